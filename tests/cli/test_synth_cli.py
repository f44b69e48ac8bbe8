"""`checkpoint synth`: exit codes, a short summary on stdout, one sentence on stderr, reproducible files."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import typer
from typer.testing import CliRunner

from checkpoint.cli import synth
from checkpoint.cli.app import app

runner = CliRunner()
SMALL = ["--records", "300", "--seed", "3", "--today", "2026-11-28"]


def test_writes_registry_manifests_and_labels_and_summarises(tmp_path: Path) -> None:
    out = tmp_path / "sample"
    result = runner.invoke(app, ["synth", "--out", str(out), *SMALL])
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    names = {
        "registry.parquet", "registry.csv", "flight_cgk_kul.csv", "flight_cgk_kul.labels.csv", "ferry_batam.csv",
        "ferry_batam.labels.csv", "umrah_jeddah.csv", "umrah_jeddah.labels.csv", "passports.txt",
    }  # fmt: skip
    assert {path.name for path in out.iterdir()} == names
    assert "wrote 9 files" in result.stdout and "registry.csv" in result.stdout and "300 rows" in result.stdout
    registry = pd.read_parquet(out / "registry.parquet")
    assert len(registry) == 300
    pd.testing.assert_frame_equal(
        pd.read_csv(out / "registry.csv", dtype=str, keep_default_na=False).drop(
            columns=["bpjs_active", "opp_completed"]
        ),
        registry.drop(columns=["bpjs_active", "opp_completed"]).fillna(""),
    )
    passports = (out / "passports.txt").read_text(encoding="ascii").split("\n")
    assert len(passports) == 21 and passports[-1] == "" and {len(line) for line in passports[:-1]} == {44}
    from checkpoint.mrz import parse_td3

    pairs = zip(passports[:-1:2], passports[1::2], strict=True)
    assert all(parse_td3(first, second, today=date(2026, 11, 28)).valid for first, second in pairs)
    manifest = pd.read_csv(out / "ferry_batam.csv", dtype=str)
    labels = pd.read_csv(out / "ferry_batam.labels.csv", dtype=str)
    assert list(manifest["pax_id"]) == list(labels["pax_id"])


def test_same_options_write_identical_bytes(tmp_path: Path) -> None:
    for folder in ("a", "b"):
        assert (
            runner.invoke(app, ["synth", "--out", str(tmp_path / folder), *SMALL, "--manifests", "umrah"]).exit_code
            == 0
        )
    for name in ("registry.parquet", "registry.csv", "umrah_jeddah.csv", "umrah_jeddah.labels.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    assert not list(tmp_path.glob("*/.*.tmp")), "temporary files are renamed into place"


def test_no_manifests_writes_only_the_registry(tmp_path: Path) -> None:
    result = runner.invoke(app, ["synth", "--out", str(tmp_path), "--records", "50", "--manifests", ""])
    assert result.exit_code == 0
    assert sorted(path.name for path in tmp_path.iterdir()) == ["registry.csv", "registry.parquet"]


def _usage_error(args: list[str]) -> str:
    result = runner.invoke(app, ["synth", *args])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    return result.stderr


def test_bad_options_are_usage_errors(tmp_path: Path) -> None:
    out = str(tmp_path / "out")
    assert "boat" in _usage_error(["--out", out, "--manifests", "flight,boat"])
    assert "2026-02-30" in _usage_error(["--out", out, "--today", "2026-02-30"])
    assert "--records" in _usage_error(["--out", out, "--records", "0"])
    _usage_error(["--records", "10"])  # --out is required
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_an_out_path_that_is_a_file_is_a_usage_error(tmp_path: Path) -> None:
    file = tmp_path / "taken"
    file.write_text("x", encoding="utf-8")
    assert "not a folder" in _usage_error(["--out", str(file), "--records", "10"])


def test_help_ends_with_an_example() -> None:
    result = runner.invoke(app, ["synth", "--help"])
    assert result.exit_code == 0
    assert "Example: checkpoint synth --out" in " ".join(result.stdout.split())


def test_register_adds_the_command_to_any_app(tmp_path: Path) -> None:
    own = typer.Typer()
    synth.register(own)

    @own.callback()
    def _root() -> None:
        """A stand-in root group."""

    result = runner.invoke(own, ["synth", "--out", str(tmp_path), "--records", "30", "--manifests", "ferry"])
    assert result.exit_code == 0 and (tmp_path / "ferry_batam.labels.csv").exists()


def test_travellers_makes_a_manifest_of_any_size_in_the_flights_mix(tmp_path: Path) -> None:
    args = [
        "--manifests",
        "flight",
        "--travellers",
        "1200",
        "--records",
        "2000",
        "--seed",
        "5",
        "--today",
        "2026-11-28",
    ]
    result = runner.invoke(app, ["synth", "--out", str(tmp_path / "a"), *args])
    assert result.exit_code == 0, result.stderr
    assert "flight_cgk_kul.csv" in result.stdout and "1,200 rows" in result.stdout
    manifest = pd.read_csv(tmp_path / "a" / "flight_cgk_kul.csv", dtype=str)
    labels = pd.read_csv(tmp_path / "a" / "flight_cgk_kul.labels.csv", dtype=str)
    assert len(manifest) == len(labels) == 1200
    assert list(manifest["pax_id"]) == [str(number) for number in range(1, 1201)] == list(labels["pax_id"])
    shares = labels["scenario"].value_counts(normalize=True)
    assert 0.10 < shares["registered_worker"] < 0.17 and 0.25 < shares["tourist"] < 0.29  # 40 and 80 of 298
    assert (tmp_path / "a" / "passports.txt").read_text(encoding="ascii").count("\n") == 20
    again = runner.invoke(app, ["synth", "--out", str(tmp_path / "b"), *args])
    assert again.exit_code == 0
    for name in ("flight_cgk_kul.csv", "flight_cgk_kul.labels.csv", "passports.txt"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    assert not list(tmp_path.glob("*/.*.tmp"))


def test_travellers_speaks_indonesian_and_refuses_zero(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "synth",
            "--out",
            str(tmp_path),
            "--manifests",
            "ferry",
            "--travellers",
            "90",
            "--records",
            "300",
            "--lang",
            "id",
        ],
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(f"menulis 4 file ke {tmp_path}") and "90 baris" in result.stdout
    assert "--travellers" in _usage_error(["--out", str(tmp_path / "x"), "--travellers", "0"])
