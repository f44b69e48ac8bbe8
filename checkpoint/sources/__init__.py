"""Tabular input files (CSV, XLSX, Parquet, JSON, PAXLST) read into one shape, shared by registry and manifests."""

from checkpoint.sources.interface import RawTable, TableReader
from checkpoint.sources.read import MANIFEST_MAX_BYTES, REGISTRY_MAX_BYTES, read_table

__all__ = ["MANIFEST_MAX_BYTES", "REGISTRY_MAX_BYTES", "RawTable", "TableReader", "read_table"]
