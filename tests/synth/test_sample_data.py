"""The shipped sample data is what data/sample/README.md says it is: the output of its regenerate command, byte for
byte. A change to a generator that moves the sample shows here, and the sample is regenerated with it (and the
README's examples with the sample), never left stale."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from typer.testing import CliRunner

from checkpoint.cli.app import app

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


def regenerate_command() -> list[str]:
    readme = (SAMPLE / "README.md").read_text(encoding="utf-8")
    found = re.search(r"^checkpoint (synth --out data/sample .*)$", readme, flags=re.MULTILINE)
    assert found, "data/sample/README.md names no regenerate command"
    return shlex.split(found.group(1))


def test_the_sample_is_its_readme_command_output_byte_for_byte(tmp_path: Path) -> None:
    arguments = regenerate_command()
    arguments[arguments.index("data/sample")] = str(tmp_path)
    done = CliRunner().invoke(app, arguments)
    assert done.exit_code == 0, done.output
    made = sorted(path.name for path in tmp_path.iterdir())
    shipped = sorted(path.name for path in SAMPLE.iterdir() if path.name != "README.md")
    assert made == shipped
    stale = [name for name in made if (tmp_path / name).read_bytes() != (SAMPLE / name).read_bytes()]
    assert stale == [], f"regenerate the sample data (data/sample/README.md): {stale} differ"
