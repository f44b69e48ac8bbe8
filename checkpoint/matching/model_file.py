"""model.json: read into a `MatchingModel` (every problem named at once) and written back in its own layout.

Each value of the file is an entry: `{"value": …, "set": "fitted" | "hand", "why": …, "note": …,
"protected_by": …}` (a curve has `points` instead of `value`). A hand-set value says why; a pruning value
names the test or benchmark that protects it. The file carries its layout's number (`format`) and the
model's version (`model`). `benchmarks/matching/calibrate.py --write` rewrites the fitted values through
`model_text`, so a refit changes the values and nothing else.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Mapping
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any, TypeGuard

from checkpoint.errors import ConfigError
from checkpoint.i18n import text
from checkpoint.matching.comparisons import LEVELS
from checkpoint.matching.model import Claim, Curve, Decision, MatchingModel, Namesakes, Pruning, Weights

#: The layout of model.json this code reads (a new layout is a new number; new values are a new model).
MODEL_FORMAT = 1
#: The values of each section of model.json, in file order.
SECTIONS: dict[str, tuple[str, ...]] = {
    "weights": ("prior", *LEVELS, "name_similarity", "name_agrees", "name_rarity"),
    "namesakes": ("prior_records", "prior_share", "namesake_floor"),
    "claim": ("intercept", "lead_slope", "lead_cap"),
    "decision": ("match_threshold", "lead", "candidate_floor", "near_miss_floor", "max_candidates"),
    "pruning": (
        "name_block_cap",
        "signature_floor",
        "slip_signature_floor",
        "name_prefilter",
        "slip_name_prefilter",
        "candidate_floor_bound",
    ),
}
_TOP = ("format", "model", "about", "fitted_on", *SECTIONS)
_ENTRY_KEYS = ("value", "points", "set", "why", "note", "protected_by")
_WIDTH = 120


def model_path() -> Path:
    """Where the shipped model.json is (inside the installed package)."""
    return Path(str(files(__package__).joinpath("model.json")))


@cache
def default_model() -> MatchingModel:
    """The shipped model, read once."""
    return load_model(model_path())


def load_model(path: Path) -> MatchingModel:
    """The model in a model.json file; ConfigError naming every problem at once."""
    return model_from_tree(read_tree(path), str(path))


def read_tree(path: Path) -> dict[str, Any]:
    """A model.json file as parsed JSON (for calibrate.py, which rewrites the fitted values)."""
    try:
        tree = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(text("matching.model.unreadable", path=path, reason=error)) from None
    except json.JSONDecodeError as error:
        raise ConfigError(
            text("matching.model.not_json", path=path, line=error.lineno, column=error.colno, reason=error.msg)
        ) from None
    if not isinstance(tree, dict):
        raise ConfigError(text("matching.model.not_object", path=path))
    return tree


def model_from_tree(tree: Mapping[str, Any], place: str = "model.json") -> MatchingModel:
    """The model a parsed model.json describes; ConfigError naming every problem found."""
    reader = _Reader()
    model = reader.model(tree)
    if model is None or reader.problems:
        raise ConfigError(text("matching.model.invalid", path=place, problems="; ".join(reader.problems)))
    return model


#: How an entry of the file looks, shown when a value is not one.
_ENTRY_EXAMPLE = '{"value": 1.0, "set": "hand", "why": "…"}'


class _Reader:
    """Walks a parsed model.json and notes every problem (`where: what is wrong`) instead of stopping at one."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def problem(self, where: str, key: str, /, **params: object) -> None:
        """Note a problem at `where` (a dotted place in the file), said by the catalog entry `key`."""
        self.problems.append(text("matching.model.problem", where=where, problem=text(key, **params)))

    def model(self, tree: Mapping[str, Any]) -> MatchingModel | None:
        for key in tree:
            if key not in _TOP:
                self.problem(key, "matching.model.unknown_part", known=", ".join(_TOP))
        if tree.get("format") != MODEL_FORMAT:
            self.problem("format", "matching.model.format", format=MODEL_FORMAT)
        version = tree.get("model")
        if not _text(version):
            self.problem("model", "matching.model.no_version")
        values = {name: self.section(tree, name) for name in SECTIONS}
        weights, namesakes = self.weights(values["weights"]), values["namesakes"]
        claim, decision, pruning = values["claim"], values["decision"], values["pruning"]
        number, whole = self.number, self.whole
        model = MatchingModel(
            version=str(version),
            weights=weights,
            namesakes=Namesakes(
                prior_records=whole(namesakes, "namesakes.prior_records", low=1),
                prior_share=number(namesakes, "namesakes.prior_share", above=0, high=1),
                namesake_floor=number(namesakes, "namesakes.namesake_floor", low=0, high=1),
            ),
            claim=Claim(
                intercept=number(claim, "claim.intercept"),
                lead_slope=number(claim, "claim.lead_slope", low=0),
                lead_cap=number(claim, "claim.lead_cap", above=0),
            ),
            decision=Decision(
                match_threshold=number(decision, "decision.match_threshold", above=0, below=1),
                lead=number(decision, "decision.lead", low=0),
                candidate_floor=number(decision, "decision.candidate_floor", above=0, below=1),
                near_miss_floor=number(decision, "decision.near_miss_floor", above=0, below=1),
                max_candidates=whole(decision, "decision.max_candidates", low=0),
            ),
            pruning=Pruning(
                name_block_cap=whole(pruning, "pruning.name_block_cap", low=1),
                signature_floor=number(pruning, "pruning.signature_floor", low=0, high=1),
                slip_signature_floor=number(pruning, "pruning.slip_signature_floor", low=0, high=1),
                name_prefilter=number(pruning, "pruning.name_prefilter", low=0, high=100),
                slip_name_prefilter=number(pruning, "pruning.slip_name_prefilter", low=0, high=100),
                candidate_floor_bound=self.flag(pruning, "pruning.candidate_floor_bound"),
            ),
        )
        return None if self.problems else model

    def section(self, tree: Mapping[str, Any], name: str) -> dict[str, Any]:
        """A section's values by name (each entry checked for its origin and notes); a field's weights by level."""
        found = tree.get(name)
        if not isinstance(found, dict):
            self.problem(name, "matching.model.no_section")
            return {}
        for key in found:
            if key not in SECTIONS[name]:
                self.problem(f"{name}.{key}", "matching.model.unknown_value", known=", ".join(SECTIONS[name]))
        values: dict[str, Any] = {}
        for key in SECTIONS[name]:
            where = f"{name}.{key}"
            if key not in found:
                self.problem(where, "matching.model.missing")
            elif name == "weights" and key in LEVELS:
                levels = found[key]
                if not isinstance(levels, dict) or set(levels) != set(LEVELS[key]):
                    self.problem(where, "matching.model.outcomes", outcomes=", ".join(LEVELS[key]))
                    continue
                values[key] = {level: self.entry(levels[level], f"{where}.{level}", name) for level in LEVELS[key]}
            else:
                values[key] = self.entry(found[key], where, name)
        return values

    def entry(self, entry: object, where: str, section: str) -> object:
        """One entry's value (or points), once it says where the value comes from."""
        if not isinstance(entry, dict):
            self.problem(where, "matching.model.not_entry", example=_ENTRY_EXAMPLE)
            return None
        unknown = sorted(set(entry) - set(_ENTRY_KEYS))
        if unknown:
            self.problem(where, "matching.model.unknown_keys", keys=", ".join(unknown), known=", ".join(_ENTRY_KEYS))
        origin = entry.get("set")
        if origin not in ("fitted", "hand"):
            self.problem(where, "matching.model.no_origin")
        elif origin == "hand" and not _text(entry.get("why")):
            self.problem(where, "matching.model.no_why")
        if section == "pruning" and not _text(entry.get("protected_by")):
            self.problem(where, "matching.model.not_protected")
        if "value" not in entry and "points" not in entry:
            self.problem(where, "matching.model.no_value")
        return entry.get("points", entry.get("value"))

    def number(
        self,
        values: Mapping[str, Any],
        where: str,
        *,
        low: float | None = None,
        high: float | None = None,
        above: float | None = None,
        below: float | None = None,
    ) -> float:
        given = values.get(_key(where))
        if not _is_number(given):
            if given is not None:  # a missing value is reported where it is missing
                self.problem(where, "matching.model.not_number")
            return math.nan
        value = float(given)
        limits = [
            (low is not None and value < low, "matching.model.at_least", low),
            (high is not None and value > high, "matching.model.at_most", high),
            (above is not None and value <= above, "matching.model.above", above),
            (below is not None and value >= below, "matching.model.below", below),
        ]
        for broken, key, bound in limits:
            if broken:
                self.problem(where, key, bound=bound)
        return value

    def whole(self, values: Mapping[str, Any], where: str, *, low: int) -> int:
        value = values.get(_key(where))
        if not isinstance(value, int) or isinstance(value, bool) or value < low:
            if value is not None:
                self.problem(where, "matching.model.not_whole", low=low)
            return low
        return value

    def flag(self, values: Mapping[str, Any], where: str) -> bool:
        value = values.get(_key(where))
        if not isinstance(value, bool):
            if value is not None:
                self.problem(where, "matching.model.not_flag")
            return True
        return value

    def curve(self, points: object, where: str, *, rising: bool) -> Curve:
        if not (
            isinstance(points, list)
            and len(points) >= 2
            and all(isinstance(p, list) and len(p) == 2 and all(map(_is_number, p)) for p in points)
        ):
            if points is not None:
                self.problem(where, "matching.model.no_points")
            return Curve((0.0, 1.0), (0.0, 0.0))
        xs, ys = tuple(float(x) for x, _ in points), tuple(float(y) for _, y in points)
        if any(b <= a for a, b in itertools.pairwise(xs)):
            self.problem(where, "matching.model.points_not_rising")
        if rising and any(b < a for a, b in itertools.pairwise(ys)):
            # The pruning bound takes an identical name, or one just short of agreeing, as the best case.
            self.problem(where, "matching.model.curve_falls")
        return Curve(xs, ys)

    def weights(self, values: Mapping[str, Any]) -> Weights:
        outcomes = {
            field: {level: self.number(values.get(field, {}), f"weights.{field}.{level}") for level in levels}
            for field, levels in LEVELS.items()
        }
        return Weights(
            prior=self.number(values, "weights.prior"),
            outcomes=outcomes,
            name=self.curve(values.get("name_similarity"), "weights.name_similarity", rising=True),
            name_agrees=self.number(values, "weights.name_agrees", low=0, high=1),
            rarity=self.curve(values.get("name_rarity"), "weights.name_rarity", rising=False),
        )


def _key(where: str) -> str:
    """The value's own name in a dotted place (`decision.lead` -> `lead`)."""
    return where.rpartition(".")[2]


def _is_number(value: object) -> TypeGuard[float]:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def model_text(tree: Mapping[str, Any]) -> str:
    """model.json's text: two-space indents, and an entry or a list of numbers on one line when it fits."""

    def encode(node: object, depth: int, lead: int) -> str:
        pad = "  " * depth
        one_line = json.dumps(node, ensure_ascii=False)
        nested = isinstance(node, dict | list) and any(
            isinstance(child, dict) for child in (node.values() if isinstance(node, dict) else node)
        )
        if not isinstance(node, dict | list) or (not nested and lead + len(one_line) <= _WIDTH):
            return one_line
        if isinstance(node, dict):
            lines = []
            for key, child in node.items():
                start = f"{pad}  {json.dumps(key, ensure_ascii=False)}: "
                lines.append(start + encode(child, depth + 1, len(start) + 1))
            return "{\n" + ",\n".join(lines) + f"\n{pad}}}"
        items = [f"{pad}  {encode(child, depth + 1, len(pad) + 3)}" for child in node]
        return "[\n" + ",\n".join(items) + f"\n{pad}]"

    return encode(tree, 0, 0) + "\n"
