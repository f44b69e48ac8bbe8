"""Write a synthetic dataset to a folder: registry (Parquet and CSV), manifests and their labels sidecars.

Each file is written to a temporary file in the same folder and renamed into place, so a reader never
sees half a file and a failed run leaves the previous files intact.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from checkpoint.errors import UsageError
from checkpoint.synth.manifests import generate_manifest, manifest_kinds, manifest_plan
from checkpoint.synth.registry import generate_registry

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


def write_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Call `write(temporary_path)` in `path`'s folder, then rename the result onto `path`."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    try:
        write(Path(temporary))
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp makes 0600; the dataset is meant to be shared
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def _csv(frame: pd.DataFrame) -> Callable[[Path], None]:
    return lambda target: frame.to_csv(target, index=False, encoding="utf-8", lineterminator="\n")


def _parquet(frame: pd.DataFrame) -> Callable[[Path], None]:
    return lambda target: frame.to_parquet(target, index=False, engine="pyarrow", compression="zstd")


def write_dataset(
    out: Path,
    *,
    records: int,
    seed: int,
    today: date,
    manifests: Sequence[str] = ("flight", "ferry", "umrah"),
) -> list[WrittenFile]:
    """Generate and write the registry and the chosen sample manifests into `out`; return what was written."""
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
        for path, frame, writer in written:
            write_atomically(path, writer(frame))
    except OSError as error:
        raise UsageError(f"cannot write to {out} ({error.strerror or error}); choose another --out.") from None
    return [WrittenFile(path, len(frame)) for path, frame, _ in written]
