"""Tabular input files (CSV, XLSX, Parquet, JSON) read into one shape, shared by registry and manifests."""

from checkpoint.sources.interface import RawTable, TableReader
from checkpoint.sources.read import read_table

__all__ = ["RawTable", "TableReader", "read_table"]
