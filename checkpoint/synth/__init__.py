"""Deterministic synthetic data: a placement registry and labelled manifests (training, tests, demos).

Nothing generated is real: names are composed from the token tables in `tables/`, numbers are random.
Every output is fully determined by its arguments (size, seed, today).

- `generate_registry(n, seed, today)`: records with exactly the SPEC §4.1 columns.
- `generate_manifest(kind, registry, seed, today)`: one sample manifest (`flight`, `ferry`, `umrah`) and its
  labels; `generate_travellers(registry, plan, seed, today)` for any plan shaped like `tables/manifests.yaml`.
- `generate_matching_set(registry, n, seed, today)`: registered travellers under every name variation,
  decoys and strangers, labelled, for the matching benchmark.
- `write_dataset(out, records=, seed=, today=, manifests=)`: what `checkpoint synth` writes.
- `variants`: the labelled name, birth-date and passport variations, usable on their own.
"""

from checkpoint.synth.dataset import WrittenFile, labels_name, write_dataset
from checkpoint.synth.manifests import generate_manifest, generate_travellers, manifest_kinds, manifest_plan
from checkpoint.synth.matching import generate_matching_set
from checkpoint.synth.registry import REGISTRY_COLUMNS, SAMPLE_TODAY, generate_registry
from checkpoint.synth.scenarios import SCENARIOS
from checkpoint.synth.travellers import LABEL_COLUMNS
from checkpoint.synth.variants import DOB_VARIATIONS, NAME_VARIATIONS, PASSPORT_VARIATIONS, vary_dob, vary_name

__all__ = [
    "DOB_VARIATIONS",
    "LABEL_COLUMNS",
    "NAME_VARIATIONS",
    "PASSPORT_VARIATIONS",
    "REGISTRY_COLUMNS",
    "SAMPLE_TODAY",
    "SCENARIOS",
    "WrittenFile",
    "generate_manifest",
    "generate_matching_set",
    "generate_registry",
    "generate_travellers",
    "labels_name",
    "manifest_kinds",
    "manifest_plan",
    "vary_dob",
    "vary_name",
    "write_dataset",
]
