"""Write a synthetic dataset to a folder: registry (Parquet and CSV), manifests and their labels sidecars.

Each file is written whole or not at all (`checkpoint.durable`), so a reader never sees half a file and a
failed run leaves the previous files intact.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import BinaryIO

import pandas as pd

from checkpoint.durable import write_atomically
from checkpoint.errors import UsageError
from checkpoint.synth.applications import generate_applications
from checkpoint.synth.manifests import generate_manifest, manifest_kinds, manifest_plan
from checkpoint.synth.passports import sample_passports
from checkpoint.synth.registry import generate_registry

#: The desk's sample: two MRZ lines per passport, as a document reader types them.
PASSPORTS_FILE = "passports.txt"
#: A day's passport applications at one office, and the passport recommendations presented with them.
APPLICATIONS_FILE = "applications.csv"
RECOMMENDATIONS_FILE = "recommendations.csv"
#: Upper bound of `--records`: beyond it a run takes minutes and gigabytes.
MAX_RECORDS = 5_000_000


@dataclass(frozen=True, slots=True)
class WrittenFile:
    """One file of the dataset and how many data rows it holds."""

    path: Path
    rows: int


def labels_name(manifest_file: str) -> str:
    """The labels sidecar of a manifest file: `flight_cgk_kul.csv` -> `flight_cgk_kul.labels.csv`."""
    return f"{Path(manifest_file).stem}.labels.csv"


def _csv(frame: pd.DataFrame) -> Callable[[BinaryIO], object]:
    return lambda handle: frame.to_csv(handle, index=False, encoding="utf-8", lineterminator="\n")


def _lines(frame: pd.DataFrame) -> Callable[[BinaryIO], object]:
    return lambda handle: handle.write("".join(f"{line}\n" for line in frame.iloc[:, 0]).encode("ascii"))


def _parquet(frame: pd.DataFrame) -> Callable[[BinaryIO], object]:
    return lambda handle: frame.to_parquet(handle, index=False, engine="pyarrow", compression="zstd")


def write_dataset(
    out: Path,
    *,
    records: int,
    seed: int,
    today: date,
    manifests: Sequence[str] = ("flight", "ferry", "umrah"),
    applications: int = 0,
) -> list[WrittenFile]:
    """Generate and write the registry and the chosen sample manifests into `out`; return what was written.

    `applications`: how many passport applications of one office day to write too (`synth/applications.py`).
    """
    unknown = [kind for kind in manifests if kind not in manifest_kinds()]
    if unknown:
        raise UsageError(
            f"--manifests: unknown kind(s) {', '.join(unknown)}; choose from {', '.join(manifest_kinds())}."
        )
    if not 1 <= records <= MAX_RECORDS:
        raise UsageError(f"--records must be between 1 and {MAX_RECORDS:,}.")
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} is a file, not a folder; choose a folder.")
    try:
        out.mkdir(parents=True, exist_ok=True)
        registry = generate_registry(records, seed, today)
        written = [(out / "registry.parquet", registry, _parquet), (out / "registry.csv", registry, _csv)]
        for kind in manifests:
            manifest, labels = generate_manifest(kind, registry, seed, today)
            file = str(manifest_plan(kind)["file"])
            written += [(out / file, manifest, _csv), (out / labels_name(file), labels, _csv)]
            if kind == "flight":  # the desk's sample: passports of this flight's travellers
                passports = pd.DataFrame({"mrz": sample_passports(manifest, labels, today)})
                written.append((out / PASSPORTS_FILE, passports, _lines))
        if applications:
            day, labels, recommendations = generate_applications(registry, applications, seed, today)
            written += [
                (out / APPLICATIONS_FILE, day, _csv),
                (out / labels_name(APPLICATIONS_FILE), labels, _csv),
                (out / RECOMMENDATIONS_FILE, recommendations, _csv),
            ]
        for path, frame, writer in written:
            # Synthetic data, meant to be shared: the permissions the user's umask gives, not owner-only.
            write_atomically(path, writer(frame), mode=0o666)
    except OSError as error:
        raise UsageError(f"cannot write to {out} ({error.strerror or error}); choose another --out.") from None
    return [WrittenFile(path, len(frame)) for path, frame, _ in written]
