"""`checkpoint mrz`: exit codes, stdout and stderr, text and json output."""

from __future__ import annotations

import json

import pytest
import typer
from typer.main import get_command
from typer.testing import CliRunner, Result

from checkpoint.cli import mrz
from checkpoint.cli.app import app
from checkpoint.errors import InputDataError, UsageError

LINE1 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
LINE2 = "L898902C36UTO7408122F1204159ZE184226B<<<<<10"
MISREAD = "L8989O2C3" + LINE2[9:]
TODAY = ["--today", "2025-06-01"]


def make_app() -> typer.Typer:
    """A group holding only `mrz`, so these tests do not depend on the other command groups."""
    app = typer.Typer()

    @app.callback()
    def root() -> None:
        """Test root."""

    mrz.register(app)
    return app


def run(*args: str) -> Result:
    return CliRunner().invoke(make_app(), ["mrz", *args])


def test_a_valid_mrz_exits_0_and_prints_the_fields() -> None:
    result = run(LINE1, LINE2, *TODAY)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert "MRZ valid" in result.stdout
    for shown in ("ERIKSSON ANNA MARIA", "L898902C3", "1974-08-12", "2012-04-15 (expired)", "ZE184226B"):
        assert shown in result.stdout


def test_a_valid_mrz_as_json() -> None:
    result = run(LINE1, LINE2, "--format", "json", *TODAY)
    assert result.exit_code == 0
    assert result.stderr == ""
    assert json.loads(result.stdout) == {
        "document_type": "P",
        "issuing_state": "UTO",
        "primary_identifier": "ERIKSSON",
        "secondary_identifier": "ANNA MARIA",
        "name_tokens": ["ERIKSSON", "ANNA", "MARIA"],
        "full_name": "ERIKSSON ANNA MARIA",
        "name_truncated": False,
        "document_number": "L898902C3",
        "nationality": "UTO",
        "birth_date": "1974-08-12",
        "sex": "F",
        "expiry_date": "2012-04-15",
        "optional_data": "ZE184226B",
        "valid": True,
        "problems": [],
    }


def test_a_failing_check_digit_exits_3_with_fields_problems_and_the_repair() -> None:
    result = run(LINE1, MISREAD, *TODAY)
    assert result.exit_code == 3
    assert "MRZ NOT valid" in result.stdout
    assert "ERIKSSON ANNA MARIA" in result.stdout  # the fields are still shown
    assert "Document number check digit does not hold" in result.stdout
    assert "Repaired value: L898902C3" in result.stdout
    assert result.stderr == ("checkpoint: the MRZ does not validate (2 problems); check it against the passport.\n")


def test_a_failing_check_digit_as_json() -> None:
    result = run(LINE1, MISREAD, "--format", "json", *TODAY)
    assert result.exit_code == 3
    document = json.loads(result.stdout)
    assert document["valid"] is False
    assert document["document_number"] == "L8989O2C3"
    assert document["problems"][0]["field"] == "document_number"
    assert document["problems"][0]["repaired_value"] == "L898902C3"
    assert set(document["problems"][0]) == {"field", "message", "repaired_value"}
    assert "ERIKSSON" not in result.stderr and "L89" not in result.stderr


def test_a_layout_error_raises_input_data_error_for_the_root_group() -> None:
    result = run(LINE1, LINE2[:-1], *TODAY)
    assert isinstance(result.exception, InputDataError)
    assert result.exception.exit_code == 3
    assert "MRZ line 2 has 43 characters" in str(result.exception)
    assert result.stdout == ""


def test_today_places_two_digit_birth_years() -> None:
    def birth(today: str) -> str:
        output = run(LINE1, LINE2, "--format", "json", "--today", today).stdout
        return str(json.loads(output)["birth_date"])

    assert birth("2025-06-01") == "1974-08-12"
    assert birth("2074-08-12") == "2074-08-12"
    assert birth("2074-08-11") == "1974-08-12"


@pytest.mark.parametrize(
    "args",
    [
        [LINE1, LINE2, "--format", "xml"],
        [LINE1],
    ],
)
def test_bad_options_are_usage_errors(args: list[str]) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert result.stdout == ""


def test_a_bad_today_is_a_usage_error_for_the_root_group() -> None:
    result = run(LINE1, LINE2, "--today", "01/06/2025")
    assert isinstance(result.exception, UsageError)
    assert result.exception.exit_code == 2
    assert result.stdout == ""


def test_help_ends_with_an_example() -> None:
    command = get_command(make_app()).commands["mrz"]  # type: ignore[attr-defined]
    assert command.help.rstrip().splitlines()[-1] == (
        "Example: checkpoint mrz 'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<' "
        "'L898902C36UTO7408122F1204159ZE184226B<<<<<10'"
    )
    assert run("--help").exit_code == 0


def test_through_the_real_root_group_a_layout_error_exits_3_on_stderr() -> None:
    result = CliRunner().invoke(app, ["mrz", LINE1, LINE2[:-1], *TODAY])
    assert result.exit_code == 3
    assert result.stdout == ""
    assert result.stderr.startswith("checkpoint: MRZ line 2 has 43 characters")
    assert "ERIKSSON" not in result.stderr
    assert CliRunner().invoke(app, ["mrz", LINE1, LINE2, *TODAY]).exit_code == 0
    assert CliRunner().invoke(app, ["mrz", LINE1, MISREAD, *TODAY]).exit_code == 3
