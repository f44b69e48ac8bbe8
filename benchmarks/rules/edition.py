"""A rule pack on labelled manifests, with full data and with airline data alone (issue 19).

    python benchmarks/rules/edition.py --label 2027.1.1 [--pack rules/] [--seed 11] [--manifests 16]

The registry and the manifests are those of `accuracy.py` (20,000 records; per sample trip `--manifests`
manifests from fixed seeds), with the scenarios of issue 19 added to each trip's plan (`EDITION_CHANGES`): a READY
record flown on a visitor visa, SPSK domestic placements, workers back from home leave, an agent's group spread
over several bookings under one group code, students leaving one way, foreign nationals going home one way, and
journeys through a hub. Each manifest is screened on its own by `checkpoint.pipeline.screen_travellers`, twice:

- **full data**: the manifest as generated;
- **airline data alone**: the same manifest without its `visa_type`, `ticket` and `return_date` columns, as a
  PAXLST or an airline API list comes (names, documents with their dates, booking and group codes, the route).

Reported (targets of issue 19):

- full data, per scenario: the share referred or held (non-procedural: >= 97%), not cleared (ordinary: <= 1%),
  held (registered workers READY or DEPARTED for the country flown to on a work visa: never);
- full data, ordinary adults: the false referrals (anything but clear) by sex and by age group (18-29, 30-45,
  46+); no group's rate more than twice another's where both have >= 100 travellers;
- airline data alone, per scenario: the share flagged (refer or hold) or on the worklist (SPEC §5: `could_be`
  worse than the verdict; the order of `checkpoint.report.summary.summarise`, per manifest as a counter reads it):
  every non-procedural traveller; the share of ordinary travellers on it; and the share of non-procedural
  travellers in the first fifth of each manifest's worklist against their share of the whole worklist (>= 2x).

Results go to `results/edition-<label>-s<seed>.json` and `results.md` (with `--out DIR`: both into DIR).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from accuracy import KINDS, TODAY, commit, plan_for  # noqa: E402  (the benchmark's own helpers, next to this script)

from checkpoint.dates import age_on  # noqa: E402
from checkpoint.engine import default_pack_path, load_pack  # noqa: E402
from checkpoint.manifests import travellers_from_table  # noqa: E402
from checkpoint.models import ScreeningResult, Verdict  # noqa: E402
from checkpoint.pipeline import screen_travellers  # noqa: E402
from checkpoint.registry import open_registry  # noqa: E402
from checkpoint.report.interface import Batch  # noqa: E402
from checkpoint.report.summary import could_be_worse, summarise  # noqa: E402
from checkpoint.sources import RawTable  # noqa: E402
from checkpoint.synth import SCENARIOS, generate_registry, generate_travellers  # noqa: E402

#: Issue 19's scenarios added to `accuracy.PLAN_CHANGES` (travellers per manifest).
EDITION_CHANGES: Mapping[str, Mapping[str, int]] = {
    "flight": {
        "ready_visitor_visa": 4,
        "returning_worker": 6,
        "agent_group": 6,
        "student_one_way": 6,
        "foreign_national_home": 6,
        "hub_routing": 4,
        "hub_tourist": 10,
    },
    "ferry": {"ready_visitor_visa": 2, "returning_worker": 3, "foreign_national_home": 4},
    "umrah": {"ready_visitor_visa": 2, "spsk_domestic": 4, "returning_worker": 4},
}
#: What airline data alone lacks: the visa type and the ticket (a return date says there is a return ticket).
AIRLINE_DROPS = ("visa_type", "ticket", "return_date")
#: Registered workers on the procedural path (READY or DEPARTED for the country flown to, on a work visa).
PROCEDURAL_PATH = ("registered_worker", "spsk_domestic", "returning_worker")
NON_PROCEDURAL_TARGET = 0.97
ORDINARY_LIMIT = 0.01
FAIRNESS_RATIO = 2.0
FAIRNESS_MIN_GROUP = 100
FIRST_FIFTH_RATIO = 2.0
AGE_GROUPS = ((18, 29, "18-29"), (30, 45, "30-45"), (46, 200, "46+"))


@dataclass(frozen=True)
class Screened:
    """One traveller's outcome in one data mode."""

    verdict: str
    worklist: bool  # could_be worse than the verdict (SPEC §5)
    place: int  # position in the manifest's worklist (0-based), -1 when not on it
    worklist_size: int
    hits: str


def plan_with_edition(kind: str) -> dict[str, Any]:
    """`accuracy.plan_for(kind)` with issue 19's scenarios added."""
    plan = plan_for(kind)
    plan["scenarios"] = {**plan["scenarios"], **EDITION_CHANGES[kind]}
    return plan


def _age_group(age: int | None) -> str | None:
    if age is None:
        return None
    return next((label for low, high, label in AGE_GROUPS if low <= age <= high), None)


def _outcomes(results: Sequence[ScreeningResult]) -> list[Screened]:
    worklist = summarise(Batch(tuple(results))).worklist
    places = {id(result): at for at, result in enumerate(worklist)}
    return [
        Screened(
            Verdict(result.verdict).value,
            could_be_worse(result),
            places.get(id(result), -1),
            len(worklist),
            ",".join(hit.rule for hit in result.hits),
        )
        for result in results
    ]


def run(pack_path: Path, manifests: int, seed: int, records: int) -> tuple[pd.DataFrame, dict[str, Any]]:
    """One row per traveller: labels, sex, age, and the outcome with full data and with airline data alone."""
    pack = load_pack(pack_path)
    rows: list[dict[str, Any]] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as work:
        registry_file = Path(work) / "registry.parquet"
        generate_registry(records, seed, TODAY).to_parquet(registry_file)
        os.environ["CHECKPOINT_HOME"] = str(Path(work) / "home")
        registry = open_registry(registry_file, Path(work) / "store", today=TODAY)
        frame = pd.read_parquet(registry_file)
        for kind in KINDS:
            plan = plan_with_edition(kind)
            for number in range(manifests):
                manifest, labels = generate_travellers(frame, plan, seed * 1000 + number, TODAY, kind=kind)
                cells = manifest.astype(object).where(manifest.notna(), None)
                screened = {}
                for mode, table in (("full", cells), ("airline", cells.drop(columns=list(AIRLINE_DROPS)))):
                    travellers = travellers_from_table(RawTable.from_frame(table, f"{kind}-{number}"), today=TODAY)
                    screened[mode] = _outcomes(screen_travellers(travellers, registry, pack, today=TODAY))
                    if mode == "full":
                        people = travellers
                for at, label in enumerate(labels.itertuples()):
                    traveller = people[at]
                    born = traveller.date_of_birth
                    age = None if born is None else age_on(born, TODAY)
                    full, airline = screened["full"][at], screened["airline"][at]
                    rows.append(
                        {
                            "manifest": f"{kind}-{number}",
                            "scenario": label.scenario,
                            "expected": label.expected,
                            "sex": traveller.sex,
                            "age_group": _age_group(age),
                            "full": full.verdict,
                            "full_hits": full.hits,
                            "airline": airline.verdict,
                            "airline_worklist": airline.worklist,
                            "airline_place": airline.place,
                            "airline_worklist_size": airline.worklist_size,
                            "airline_hits": airline.hits,
                        }
                    )
    details = {
        "pack": f"{pack.name} {pack.version}",
        "pack_sha256": pack.sha256[:12],
        "rules": len(pack.active_rules),
        "commit": commit(),
        "records": records,
        "seed": seed,
        "manifests_per_kind": manifests,
        "seconds": round(time.perf_counter() - started, 1),
    }
    return pd.DataFrame(rows), details


def _share(mask: pd.Series) -> float:
    return float(mask.mean()) if len(mask) else 0.0


def _first_fifth(rows: pd.DataFrame) -> tuple[float, float, int]:
    """(non-procedural share of the first fifths, of the whole worklists, worklist size) over the manifests."""
    listed = rows[rows["airline_place"] >= 0]
    if listed.empty:
        return 0.0, 0.0, 0
    fifth = listed["airline_place"] < listed["airline_worklist_size"].map(lambda size: math.ceil(size / 5))
    non_procedural = listed["expected"] == "non_procedural"
    return _share(non_procedural[fifth]), _share(non_procedural), len(listed)


def summarise_run(screened: pd.DataFrame) -> dict[str, Any]:
    """The tables of results.md: per scenario, the fairness of the false referrals, the worklist of airline data."""
    scenarios = []
    for name, scenario in SCENARIOS.items():
        rows = screened[screened["scenario"] == name]
        if rows.empty:
            continue
        airline_flag = rows["airline"] != "clear"
        scenarios.append(
            {
                "scenario": name,
                "expected": scenario.expected,
                "n": len(rows),
                "flagged": _share(rows["full"] != "clear"),
                "held": _share(rows["full"] == "hold"),
                "airline_flagged": _share(airline_flag),
                "airline_flagged_or_listed": _share(airline_flag | rows["airline_worklist"]),
                "airline_listed": _share(rows["airline_worklist"]),
                "top_rules": _top(rows.loc[rows["full"] != "clear", "full_hits"]),
                "airline_top_rules": _top(rows["airline_hits"]),
            }
        )
    totals = {}
    for expected in ("non_procedural", "ordinary", "procedural"):
        rows = screened[screened["expected"] == expected]
        totals[expected] = {
            "n": len(rows),
            "flagged": _share(rows["full"] != "clear"),
            "held": _share(rows["full"] == "hold"),
            "airline_flagged_or_listed": _share((rows["airline"] != "clear") | rows["airline_worklist"]),
            "airline_listed": _share(rows["airline_worklist"]),
            "airline_bare_clear": int(((rows["airline"] == "clear") & ~rows["airline_worklist"]).sum()),
        }
    path = screened[screened["scenario"].isin(PROCEDURAL_PATH)]
    adults = screened[(screened["expected"] == "ordinary") & screened["age_group"].notna()]
    fairness = {}
    for column, values in (("sex", ("F", "M")), ("age_group", tuple(label for _, _, label in AGE_GROUPS))):
        for value in values:
            group = adults[adults[column] == value]
            fairness[f"{column}={value}"] = {
                "n": len(group),
                "false_referrals": int((group["full"] != "clear").sum()),
                "rate": _share(group["full"] != "clear"),
            }
    in_fifth, overall, listed = _first_fifth(screened)
    return {
        "scenarios": scenarios,
        "totals": totals,
        "procedural_path_held": int((path["full"] == "hold").sum()),
        "procedural_path_n": len(path),
        "fairness": fairness,
        "worklist": {"first_fifth": in_fifth, "whole": overall, "travellers": listed},
    }


def _top(hits: pd.Series, most: int = 3) -> list[str]:
    counts = hits[hits != ""].str.split(",").explode().value_counts().head(most)
    return [f"{rule} ({count})" for rule, count in counts.items() if rule]


def fairness_met(fairness: Mapping[str, Mapping[str, Any]]) -> bool:
    """No group's false-referral rate more than FAIRNESS_RATIO times another's, among groups of one kind (sex,
    age group) that both have FAIRNESS_MIN_GROUP travellers or more."""
    for kind in ("sex", "age_group"):
        rates = [g["rate"] for name, g in fairness.items() if name.startswith(kind) and g["n"] >= FAIRNESS_MIN_GROUP]
        if rates and max(rates) > FAIRNESS_RATIO * min(rates):
            return False
    return True


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--label", required=True, help="name of this measurement, e.g. 2026.12.1 or 2027.1.1")
    parser.add_argument("--pack", type=Path, default=None, help="rule pack (default: the shipped pack)")
    parser.add_argument("--manifests", type=int, default=16, help="manifests per sample trip (default 16)")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--out", type=Path, default=HERE / "results", help="folder for the JSON results")
    parser.add_argument("--rows", type=Path, default=None, help="also write every screened traveller as CSV")
    args = parser.parse_args(argv)
    screened, details = run(args.pack or default_pack_path(), args.manifests, args.seed, args.records)
    result = {"label": args.label, "details": details, **summarise_run(screened)}
    totals = result["totals"]
    print(f"{args.label}: {details}")
    print(
        f"full: non-procedural referred/held {totals['non_procedural']['flagged']:.1%}, ordinary not cleared "
        f"{totals['ordinary']['flagged']:.1%}, procedural path held {result['procedural_path_held']}; "
        f"fairness met: {fairness_met(result['fairness'])}"
    )
    print(
        f"airline: non-procedural flagged or listed {totals['non_procedural']['airline_flagged_or_listed']:.1%} "
        f"({totals['non_procedural']['airline_bare_clear']} bare clear), ordinary listed "
        f"{totals['ordinary']['airline_listed']:.1%}, first fifth {result['worklist']['first_fifth']:.1%} vs "
        f"{result['worklist']['whole']:.1%}"
    )
    args.out.mkdir(parents=True, exist_ok=True)
    name = f"edition-{args.label}-s{args.seed}.json"
    (args.out / name).write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    if args.rows:
        screened.to_csv(args.rows, index=False)
    from report import report_path, write_results  # the benchmark's own renderer, next to this script

    print(f"wrote {write_results(args.out, report_path(args.out))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
