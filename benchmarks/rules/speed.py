"""Rule evaluation speed: 50 rules over 50,000 travellers, against a naive per-traveller baseline.

    python benchmarks/rules/speed.py [--travellers 50000] [--rules 50] [--seed 11] [--repeats 3]

The pack is the shipped default pack plus generated variations of its conditions (other ages, passport
ages, visa and country lists, record states, match confidence, a flight-number pattern, group rules by
booking, agent group and flight), written as YAML and loaded through `load_pack` like any pack.

The facts are real ones: synthetic manifests of every sample trip (`checkpoint synth`, fixed seeds) matched
against a 20,000-record synthetic registry by the real matcher, then `build_facts`. About 10,000 distinct
travellers are matched (matching is not what is measured) and repeated to the wanted size, each copy with
its own booking references, group codes and flights, so that groups stay as large as on one manifest.

Timed: `checkpoint.engine.evaluate` (best of `--repeats`, each from a fresh facts table) and, once, the
baseline in `naive.py`; both must agree on every traveller's verdict, score, rules hit, unknown rules and
what the verdict could be (`could_be`).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from accuracy import KINDS, TODAY, plan_for  # noqa: E402 (the benchmark's own modules, next to this script)
from naive import naive_evaluate  # noqa: E402
from report import report_path, write_results  # noqa: E402

from checkpoint.engine import Facts, RulePack, build_facts, default_pack_path, evaluate, load_pack  # noqa: E402
from checkpoint.engine.pack import rule_leaves  # noqa: E402
from checkpoint.manifests import travellers_from_table  # noqa: E402
from checkpoint.matching import EvidenceMatcher  # noqa: E402
from checkpoint.registry import open_registry  # noqa: E402
from checkpoint.sources import RawTable  # noqa: E402
from checkpoint.synth import generate_registry, generate_travellers  # noqa: E402

GROUP_KEYS = ("booking_ref", "group_code", "flight")
UNREGISTERED_ONE_WAY = "{all: [{field: match.found, is: false}, {field: one_way, is: true}]}"


def variations() -> list[tuple[str, dict[str, str]]]:
    """Conditions like the default pack's, with other thresholds and lists: (when, extra keys) per rule."""
    unmatched = "{field: match.found, is: false}"
    matched = "{field: match.found, is: true}"
    one_way = "{field: one_way, is: true}"
    found: list[tuple[str, dict[str, str]]] = []
    # Group rules first: the 50-rule pack carries all six whatever the size of the pack it starts from.
    for by, when in (
        ("booking_ref", "{field: group.members, ge: 3}"),
        ("booking_ref", "{all: [{field: group.size, ge: 4}, {field: group.share, ge: 0.75}]}"),
        ("group_code", "{field: group.members, ge: 6}"),
        ("group_code", "{field: group.share, gt: 0.5}"),
        ("flight", "{all: [{field: group.size, ge: 50}, {field: group.share, ge: 0.9}]}"),
        ("flight", "{field: group.members_unknown, ge: 20}"),
    ):
        found.append((when, {"scope": "group", "group_by": by, "members": UNREGISTERED_ONE_WAY}))
    for low, high in ((18, 30), (18, 40), (21, 35), (25, 50), (30, 60)):
        found.append(
            (
                f"{{all: [{unmatched}, {one_way}, {{field: visa_type, in_list: visitor_visas}}, "
                f"{{field: age, between: [{low}, {high}]}}]}}",
                {},
            )
        )
    for days in (30, 60, 120, 180, 365):
        found.append((f"{{all: [{unmatched}, {one_way}, {{field: passport_age_days, lt: {days}}}]}}", {}))
    for countries in ("[KHM, MMR]", "[THA, KHM]", "[SAU, ARE, QAT]", "[MYS, SGP]", "[TWN, HKG, KOR]"):
        found.append((f"{{all: [{unmatched}, {one_way}, {{field: destination, in: {countries}}}]}}", {}))
    for statuses in ("[REGISTERED]", "[VERIFIED]", "[CANCELLED, REGISTERED]"):
        found.append((f"{{all: [{matched}, {{field: record.status, in: {statuses}}}]}}", {}))
    for gap in (7, 14, 30):
        found.append((f"{{all: [{matched}, {{field: record.departure_gap_days, gt: {gap}}}]}}", {}))
    for sex, low in (("F", 18), ("M", 21)):
        found.append(
            (f"{{all: [{unmatched}, {one_way}, {{field: sex, eq: {sex}}}, {{field: age, lt: {low + 10}}}]}}", {})
        )
    found.append((f"{{all: [{matched}, {{field: record.sector, eq: domestic}}, {{field: record.age, lt: 21}}]}}", {}))
    for confidence in (0.8, 0.9):
        found.append((f"{{all: [{matched}, {{field: match.confidence, lt: {confidence}}}]}}", {}))
    found.append((f"{{all: [{matched}, {{not: {{field: record.destination_agrees, is: true}}}}]}}", {}))
    found.append((f"{{all: [{unmatched}, {{field: candidates.count, ge: 1}}, {one_way}]}}", {}))
    found.append(("{any: [{field: flight, matches: '^(QZ|AK|OD)'}, {field: trip_days, gt: 90}]}", {}))
    found.append((f"{{all: [{unmatched}, {{field: trip_days, lt: 3}}, {{field: port, in: [BTH, TNJ]}}]}}", {}))
    return found


def write_pack(folder: Path, wanted: int, source: Path | None = None) -> RulePack:
    """A pack (`source`, default: the shipped pack) plus generated rules up to `wanted` active rules, loaded and
    validated."""
    shutil.copytree(source or default_pack_path(), folder)
    base = load_pack(folder)
    lines = ["# Generated by benchmarks/rules/speed.py: variations of the default pack's conditions.", "rules:"]
    for number, (when, extra) in enumerate(variations()[: max(wanted - len(base.active_rules), 0)], start=1):
        extra_lines = "".join(f"\n    {key}: {value}" for key, value in extra.items())
        lines.append(
            f"  - id: BM-{number:03d}\n"
            f"    title: {{id: variasi {number}, en: benchmark variation {number}}}\n"
            f"    severity: low\n"
            f"    score: 5\n"
            f"    family: benchmark_{number % 4}{extra_lines}\n"
            f"    explanation: {{en: 'variation {number}: {{visa_type}} to {{destination}}', "
            f"id: 'variasi {number}: {{visa_type}} ke {{destination}}'}}\n"
            f"    ask: {{id: ['Apa tujuan Anda?'], en: ['What is the purpose of your trip?']}}\n"
            f"    when: {when}\n"
            f"    tests:\n"
            f"      - {{traveller: {{full_name: SITI}}, expect: no_fire}}\n"
        )
    (folder / "zz_benchmark.yaml").write_text("\n".join(lines), encoding="utf-8")
    return load_pack(folder)


def matched_facts(distinct: int, seed: int, records: int) -> Facts:
    """Facts of about `distinct` synthetic travellers from every sample trip, matched by the real matcher."""
    frames: list[Facts] = []
    with tempfile.TemporaryDirectory() as work:
        registry_file = Path(work) / "registry.parquet"
        generate_registry(records, seed, TODAY).to_parquet(registry_file)
        # A state folder of our own: no registry cache shared with other runs or code versions.
        os.environ["CHECKPOINT_HOME"] = str(Path(work) / "home")
        registry = open_registry(registry_file, Path(work) / "store", today=TODAY)
        frame = pd.read_parquet(registry_file)
        matcher = EvidenceMatcher()
        number, total = 0, 0
        while total < distinct:
            kind = KINDS[number % len(KINDS)]
            manifest, _ = generate_travellers(frame, plan_for(kind), seed * 1000 + number, TODAY, kind=kind)
            cells = manifest.astype(object).where(manifest.notna(), None)
            travellers = travellers_from_table(RawTable.from_frame(cells, f"{kind}-{number}"), today=TODAY)
            facts = build_facts(travellers, matcher.match(registry, travellers), TODAY)
            frames.append(_suffixed(facts, f"M{number}"))  # keep each manifest's groups its own
            number, total = number + 1, total + len(facts)
    return _concatenated(frames)


def _suffixed(facts: Facts, suffix: str) -> Facts:
    """A copy of `facts` whose group keys are distinct from another copy's; missing stays None."""
    columns = {name: facts[name].copy() for name in facts}
    for key in GROUP_KEYS:
        columns[key][:] = [None if v is None else f"{v}-{suffix}" for v in facts[key].tolist()]
    return Facts(columns, len(facts))


def _concatenated(parts: Sequence[Facts]) -> Facts:
    names = parts[0].names
    return Facts({name: np.concatenate([part[name] for part in parts]) for name in names}, sum(map(len, parts)))


def scaled(facts: Facts, size: int) -> Facts:
    """`facts` repeated to `size` rows; each copy gets its own group keys."""
    copies = [_suffixed(facts, f"C{copy}") for copy in range(size // len(facts) + 1)]
    return _concatenated(copies).take(np.arange(size))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--travellers", type=int, default=50_000)
    parser.add_argument("--rules", type=int, default=50)
    parser.add_argument("--distinct", type=int, default=10_000, help="travellers matched before repeating")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path, default=HERE / "results")
    parser.add_argument("--pack", type=Path, default=None, help="the pack to start from (default: the shipped pack)")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    base = matched_facts(args.distinct, args.seed, args.records)
    facts = scaled(base, args.travellers)
    prepared = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as work:
        pack = write_pack(Path(work) / "pack", args.rules, args.pack)

    timings: list[float] = []
    for _ in range(args.repeats):
        fresh = Facts({name: facts[name].copy() for name in facts}, len(facts))  # nothing cached between runs
        began = time.perf_counter()
        fast = evaluate(pack, fresh, TODAY)
        timings.append(time.perf_counter() - began)
    began = time.perf_counter()
    slow = naive_evaluate(pack, facts, TODAY)
    baseline = time.perf_counter() - began

    agree = all(
        (a.verdict, a.risk_score, tuple(sorted(h.rule for h in a.hits)), tuple(u.rule for u in a.unknown), a.could_be)
        == (b.verdict, b.risk_score, b.hits, b.unknown, b.could_be)
        and sorted(h.explanation for h in a.hits) == list(b.explanations)
        for a, b in zip(fast, slow, strict=True)
    )
    active = pack.active_rules
    details = {
        "travellers": len(facts),
        "distinct": len(base),
        "rules": len(active),
        "pack": f"{pack.name} {pack.version}",
        "group_rules": sum(rule.group is not None for rule in active),
        "leaves": sum(len(rule_leaves(rule)) for rule in active),
        "repeats": args.repeats,
        "seed": args.seed,
        "source": f"{len(base):,} synthetic travellers of {len(KINDS)} sample trips, matched, repeated",
        "machine": (
            f"{platform.python_implementation()} {platform.python_version()}, {platform.machine()}, "
            f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} when timed"
        ),
        "flagged": sum(a.verdict.value != "clear" for a in fast),
        "could_be_worse": sum(a.could_be is not None for a in fast),
        "prepare_seconds": round(prepared, 1),
    }
    result = {
        "details": details,
        "timings": {"vectorised": min(timings), "naive per traveller": baseline},
        "all_timings": timings,
        "agree": agree,
    }
    print(json.dumps(details, indent=1))
    print(f"{'evaluation':22} {'seconds':>9} {'ratio':>7}")
    for name, seconds in result["timings"].items():
        print(f"{name:22} {seconds:9.3f} {seconds / min(timings):6.1f}x")
    print(f"target <= 1 s: {'met' if min(timings) <= 1.0 else 'MISSED'}; both agree on every traveller: {agree}")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "speed.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {write_results(args.out, report_path(args.out))}")
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
