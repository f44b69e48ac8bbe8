"""Labelled passport applications (SPEC §4.3) of one office, from the same people as the registry.

Who applies and in what share is `tables/applications.yaml`: ordinary applicants (tourists, pilgrims,
students, family visits, medical trips, business, registered workers on home leave), procedural workers (a
placement record, or a Disnaker recommendation), and would-be non-procedural workers with each cover story.
Registered people are drawn from the registry with their KTP name, birth date, sex and NIK; everyone else gets a
composed name and a NIK that encodes their sex and birth date. Alongside: the labels (scenario, label, the
verdict meant, the record) and the passport recommendations the procedural workers present (SPEC §4.1).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from functools import cache
from importlib.resources import files
from typing import Any

import numpy as np
import pandas as pd
from ruamel.yaml import YAML

from checkpoint.nik import province_names
from checkpoint.synth.names import sample_names

#: The application columns written, in the order of SPEC §4.3 (and `previous_denial`).
COLUMNS = (
    "application_id",
    "nik",
    "full_name",
    "date_of_birth",
    "sex",
    "occupation",
    "domicile",
    "purpose",
    "destination",
    "intended_departure",
    "stay_days",
    "channel",
    "previous_passport",
    "lost_passport_report",
    "recommendation_id",
    "ppiu_letter",
    "guarantee_letter",
    "relative_passport",
    "itinerary",
    "return_ticket",
    "stated_work_intent",
    "trip_explained",
    "inconsistency_noted",
    "previous_denial",
)
_ACTIVE = ("REGISTERED", "VERIFIED", "READY")
_OCCUPATIONS = ("KARYAWAN SWASTA", "WIRASWASTA", "MENGURUS RUMAH TANGGA", "PELAJAR/MAHASISWA", "PETANI", "BURUH")


@cache
def plan() -> Mapping[str, Any]:
    """The scenario table (`tables/applications.yaml`)."""
    text = files("checkpoint.synth").joinpath("tables/applications.yaml").read_text(encoding="utf-8")
    loaded: Mapping[str, Any] = YAML(typ="safe").load(text)
    return loaded


def _scenarios(count: int, worker_share: float, rng: np.random.Generator) -> list[str]:
    """`count` scenario names: the would-be workers' share of `worker_share`, the rest by their shares."""
    table = plan()["scenarios"]
    covers = [name for name, spec in table.items() if spec["label"] == "nonprocedural"]
    others = [name for name in table if name not in covers]
    workers = round(count * worker_share)

    def draw(names: list[str], size: int) -> list[str]:
        weights = np.array([table[name]["share"] for name in names], dtype=float)
        return [str(name) for name in rng.choice(names, size=size, p=weights / weights.sum())]

    chosen = draw(covers, workers) + draw(others, count - workers)
    return [chosen[at] for at in rng.permutation(count)]


def _pick(weights: Mapping[str, float], rng: np.random.Generator) -> str:
    keys = list(weights)
    values = np.array([weights[key] for key in keys], dtype=float)
    return str(keys[int(rng.choice(len(keys), p=values / values.sum()))])


def _nik(sex: str, born: date, rng: np.random.Generator) -> str:
    """A NIK of a random regency and district that encodes this sex and birth date (DOMAIN.md §5)."""
    provinces = sorted(province_names())
    province = provinces[int(rng.integers(len(provinces)))]
    day = born.day + (40 if sex == "F" else 0)
    regency, district, serial = rng.integers(1, 30), rng.integers(1, 40), rng.integers(1, 10_000)
    return f"{province}{regency:02d}{district:02d}{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"


def _yes(value: bool) -> str:
    return "true" if value else "false"


class _People:
    """Applicants: registered people drawn from the registry once each, and new people composed on demand."""

    def __init__(self, registry: pd.DataFrame, today: date, rng: np.random.Generator) -> None:
        self.registry = registry
        self.today = today
        self.rng = rng
        self.used: set[int] = set()

    def registered(self, statuses: list[str]) -> dict[str, Any] | None:
        rows = np.flatnonzero(self.registry["status"].isin(statuses).to_numpy())
        free = [int(at) for at in rows if int(at) not in self.used]
        if not free:
            return None
        at = free[int(self.rng.integers(len(free)))]
        self.used.add(at)
        record = self.registry.iloc[at]
        born = pd.Timestamp(record["date_of_birth"]).date()
        nik = record.get("nik")
        nik = str(nik) if isinstance(nik, str) and nik else _nik(str(record["sex"]), born, self.rng)
        return {
            "full_name": str(record["full_name"]),
            "sex": str(record["sex"]),
            "date_of_birth": born,
            "nik": nik,
            "record_id": str(record["record_id"]),
            "record_destination": str(record["destination_country"]),
        }

    def new(self, *, worker: bool) -> dict[str, Any]:
        rng = self.rng
        female = bool(rng.random() < (0.6 if worker else 0.5))
        age = int(rng.integers(19, 45)) if worker else int(rng.integers(18, 75))
        born = self.today - timedelta(days=age * 365 + int(rng.integers(0, 365)))
        names = sample_names(np.array([female]), np.array([born.year]), np.array([age]), rng, titles=False)
        sex = "F" if female else "M"
        return {
            "full_name": str(names.full_name[0]),
            "sex": sex,
            "date_of_birth": born,
            "nik": _nik(sex, born, rng),
            "record_id": None,
        }


def generate_applications(
    registry: pd.DataFrame, count: int, seed: int, today: date, *, worker_share: float | None = None
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """`count` applications of one office day, their labels and the recommendations presented.

    The output depends only on the registry, `count`, `seed`, `today` and `worker_share` (default: the table's).
    """
    rng = np.random.default_rng([seed, 17])  # 17: the issue; a stream of its own beside the manifests'
    table, noise = plan()["scenarios"], plan()["noise"]
    share = plan()["worker_share"] if worker_share is None else worker_share
    people = _People(registry, today, rng)
    rows, labels, recommendations = [], [], []
    for number, scenario in enumerate(_scenarios(count, share, rng), start=1):
        spec = table[scenario]
        person = people.registered(list(spec["registry"])) if "registry" in spec else None
        if person is None:
            person = people.new(worker=spec["label"] != "ordinary")
        application_id = f"KANIM-{today:%Y%m%d}-{number:04d}"
        row = _application(scenario, spec, person, rng, today, noise)
        row["application_id"] = application_id
        if scenario in ("procedural_recommended",) or (scenario == "procedural_worker" and rng.random() < 0.7):
            row["recommendation_id"] = f"REK-{person['nik'][:4]}-{today:%Y}-{number:05d}"
            recommendations.append(_recommendation(row, person, today))
        rows.append(row)
        labels.append(
            {
                "application_id": application_id,
                "scenario": scenario,
                "label": spec["label"],
                "expected": spec["expected"],
                "record_id": person["record_id"],
            }
        )
    frame = pd.DataFrame(rows).reindex(columns=list(COLUMNS)).astype(object)
    frame = frame.where(frame.notna(), None)
    return frame, pd.DataFrame(labels), pd.DataFrame(recommendations)


def _application(
    scenario: str,
    spec: Mapping[str, Any],
    person: Mapping[str, Any],
    rng: np.random.Generator,
    today: date,
    noise: Mapping[str, float],
) -> dict[str, Any]:
    """One application's cells for a scenario: the ordinary ones with their noise, the cover stories as told."""
    purpose = str(spec["purpose"])
    destinations = plan()["destinations"]
    cover = spec["label"] == "nonprocedural"
    if person.get("record_id") and purpose == "work":
        destination = str(person["record_destination"])
    elif scenario == "cover_scam_route":
        destination = _pick({"KHM": 5, "MMR": 2, "THA": 3}, rng)
    else:
        destination = _pick(destinations["cover" if cover and purpose == "tourism" else purpose], rng)
    chance = rng.random
    row: dict[str, Any] = {
        "nik": person["nik"],
        "full_name": person["full_name"],
        "date_of_birth": person["date_of_birth"].isoformat(),
        "sex": person["sex"],
        "occupation": _OCCUPATIONS[int(rng.integers(len(_OCCUPATIONS)))],
        "purpose": purpose,
        "destination": destination,
        "intended_departure": (today + timedelta(days=int(rng.integers(14, 90)))).isoformat(),
        "stay_days": int(rng.integers(5, 30)) if purpose != "work" else 730,
        "channel": "collective" if purpose == "work" and chance() < 0.6 else "online" if chance() < 0.7 else "counter",
        "lost_passport_report": _yes(chance() < noise["lost_passport"]),
        "ppiu_letter": f"PPIU-{int(rng.integers(1, 900)):03d}"
        if purpose in ("umrah", "hajj") and chance() >= noise["no_ppiu_letter"]
        else None,
        "guarantee_letter": _yes(purpose == "family_visit" and chance() >= noise["no_guarantee_letter"]),
        "relative_passport": _yes(purpose == "family_visit"),
        "itinerary": _yes(chance() >= noise["no_itinerary"]),
        "return_ticket": _yes(purpose not in ("work",) and chance() >= noise["no_return_ticket"]),
        "stated_work_intent": "false",
        "trip_explained": _yes(chance() >= noise["trip_unexplained"]),
        "inconsistency_noted": "false",
        "previous_denial": "false",
    }
    if destination in ("KHM", "MMR", "THA") and not cover:  # an ordinary trip there is booked
        row["itinerary"] = row["return_ticket"] = "true"
    return {**row, **_cover_story(scenario, person, rng)}


def _cover_story(scenario: str, person: Mapping[str, Any], rng: np.random.Generator) -> dict[str, Any]:
    """What a would-be worker's application shows, cover story by cover story (nothing for the others)."""
    if scenario == "cover_work_no_papers":
        return {"channel": "counter"}
    if scenario == "cover_states_intent":
        return {"stated_work_intent": "true"}
    if scenario == "cover_unexplained_trip":
        return {"trip_explained": "false", "itinerary": "false"}
    if scenario == "cover_family_visit":
        return {"guarantee_letter": "false", "relative_passport": _yes(rng.random() < 0.3)}
    if scenario == "cover_umrah":
        return {"ppiu_letter": None, "return_ticket": "false"}
    if scenario == "cover_lost_passport":
        return {"lost_passport_report": "true", "previous_passport": f"B{int(rng.integers(1_000_000, 9_999_999))}"}
    if scenario == "cover_scam_route":
        return {"return_ticket": "false"}
    if scenario == "cover_borrowed_identity":  # someone else's KTP: the birth date given is the applicant's own
        born = person["date_of_birth"] + timedelta(days=int(rng.integers(200, 3000)))
        return {"date_of_birth": born.isoformat()}
    if scenario == "cover_refused_before":
        return {"previous_denial": "true"}
    return {}


def _recommendation(row: Mapping[str, Any], person: Mapping[str, Any], today: date) -> dict[str, Any]:
    """The Disnaker's passport recommendation a procedural worker presents (SPEC §4.1)."""
    issued = today - timedelta(days=20)
    return {
        "recommendation_id": row["recommendation_id"],
        "nik": person["nik"],
        "full_name": person["full_name"],
        "date_of_birth": person["date_of_birth"].isoformat(),
        "sex": person["sex"],
        "destination_country": row["destination"],
        "issued_on": issued.isoformat(),
        "valid_until": (issued + timedelta(days=180)).isoformat(),
        "issuing_office": f"DISNAKER {person['nik'][:4]}",
        "record_id": person["record_id"],
    }
