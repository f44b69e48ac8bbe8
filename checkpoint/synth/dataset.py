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
from checkpoint.i18n import text
from checkpoint.synth.applications import generate_applications
from checkpoint.synth.manifests import generate_manifest, manifest_kinds, manifest_plan, stream_travellers
from checkpoint.synth.passports import sample_passports
from checkpoint.synth.registry import generate_registry

#: The desk's sample: two MRZ lines per passport, as a document reader types them.
PASSPORTS_FILE = "passports.txt"
#: A day's passport applications at one office, and the passport recommendations presented with them.
APPLICATIONS_FILE = "applications.csv"
RECOMMENDATIONS_FILE = "recommendations.csv"
#: Upper bound of `--records`: beyond it a run takes minutes and gigabytes.
MAX_RECORDS = 5_000_000
#: Upper bound of `--travellers`: a manifest is written part by part, so only time and disk limit it.
MAX_TRAVELLERS = 50_000_000


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
    travellers: int | None = None,
    applications: int = 0,
) -> list[WrittenFile]:
    """Generate and write the registry and the chosen sample manifests into `out`; return what was written.

    `travellers`: each manifest holds that many travellers in its sample's scenario mix (for load tests),
    made and written part by part (`stream_travellers`), never whole in memory; None: the samples as planned.
    `applications`: how many passport applications of one office day to write too (`synth/applications.py`).
    """
    unknown = [kind for kind in manifests if kind not in manifest_kinds()]
    if unknown:
        raise UsageError(text("synth.unknown_manifests", kinds=", ".join(unknown), known=", ".join(manifest_kinds())))
    if not 1 <= records <= MAX_RECORDS:
        raise UsageError(text("synth.records_range", most=f"{MAX_RECORDS:,}"))
    if travellers is not None and not 1 <= travellers <= MAX_TRAVELLERS:
        raise UsageError(text("synth.travellers_range", most=f"{MAX_TRAVELLERS:,}"))
    if out.exists() and not out.is_dir():
        raise UsageError(text("synth.out_is_a_file", out=out))
    # Synthetic data, meant to be shared: the permissions the user's umask gives, not owner-only.
    shared = 0o666
    try:
        out.mkdir(parents=True, exist_ok=True)
        registry = generate_registry(records, seed, today)
        written = [(out / "registry.parquet", registry, _parquet), (out / "registry.csv", registry, _csv)]
        done: list[WrittenFile] = []
        for kind in manifests:
            file = str(manifest_plan(kind)["file"])
            if travellers is not None:
                done += _write_streamed(out, kind, registry, travellers, seed, today)
                continue
            manifest, labels = generate_manifest(kind, registry, seed, today)
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
            write_atomically(path, writer(frame), mode=shared)
    except OSError as error:
        raise UsageError(text("synth.cannot_write", out=out, reason=error.strerror or error)) from None
    return [WrittenFile(path, len(frame)) for path, frame, _ in written] + done


def _write_streamed(
    out: Path, kind: str, registry: pd.DataFrame, travellers: int, seed: int, today: date
) -> list[WrittenFile]:
    """A manifest of `travellers` rows and its labels, written part by part as they are made; the desk's
    sample passports (for the flight) from the first part."""
    file = str(manifest_plan(kind)["file"])
    parts = stream_travellers(kind, registry, travellers, seed, today)
    first_manifest, first_labels = next(parts)

    def both(manifest_handle: BinaryIO, labels_handle: BinaryIO) -> None:
        # Each file is renamed into place whole; the labels only once the manifest is.
        _csv(first_manifest)(manifest_handle)
        _csv(first_labels)(labels_handle)
        for manifest, labels in parts:
            manifest.to_csv(manifest_handle, index=False, header=False, encoding="utf-8", lineterminator="\n")
            labels.to_csv(labels_handle, index=False, header=False, encoding="utf-8", lineterminator="\n")

    write_atomically(
        out / labels_name(file),
        lambda labels_handle: write_atomically(
            out / file, lambda manifest_handle: both(manifest_handle, labels_handle), mode=0o666
        ),
        mode=0o666,
    )
    done = [WrittenFile(out / file, travellers), WrittenFile(out / labels_name(file), travellers)]
    if kind == "flight":
        passports = pd.DataFrame({"mrz": sample_passports(first_manifest, first_labels, today)})
        write_atomically(out / PASSPORTS_FILE, _lines(passports), mode=0o666)
        done.append(WrittenFile(out / PASSPORTS_FILE, len(passports)))
    return done
