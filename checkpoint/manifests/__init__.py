"""Manifests: lists of travellers from airlines, ferry operators and agents, read into `Traveller` values."""

from checkpoint.manifests.read import Manifest, read_manifest
from checkpoint.manifests.travellers import build_traveller, travellers_from_table

__all__ = ["Manifest", "build_traveller", "read_manifest", "travellers_from_table"]
