"""The rule engine: YAML rule packs written by supervisors, evaluated over a batch of travellers."""

from checkpoint.engine.evaluate import Assessment, evaluate
from checkpoint.engine.facts import Facts, build_facts
from checkpoint.engine.load import default_pack_path, load_pack, read_pack
from checkpoint.engine.pack import RulePack

__all__ = ["Assessment", "Facts", "RulePack", "build_facts", "default_pack_path", "evaluate", "load_pack", "read_pack"]
