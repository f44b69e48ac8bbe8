"""Manifests: lists of travellers from airlines, ferry operators and agents, read into `Traveller` values."""

from checkpoint.manifests.read import Manifest, open_manifest, read_manifest
from checkpoint.manifests.travellers import ManifestRows, build_traveller, travellers_from_table

__all__ = ["Manifest", "ManifestRows", "build_traveller", "open_manifest", "read_manifest", "travellers_from_table"]
