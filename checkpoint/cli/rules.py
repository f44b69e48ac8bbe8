"""`checkpoint rules`: validate a rule pack and run the tests embedded in it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from checkpoint.cli.options import LangOption, parse_today

rules_app = typer.Typer(
    help="Check and test rule packs.\n\nExample: checkpoint rules check rules/",
    no_args_is_help=True,
)

PackArgument = Annotated[
    Path | None, typer.Argument(help="Rule pack file or folder (default: the shipped pack).", show_default=False)
]


@rules_app.command("check")
def check_command(pack: PackArgument = None, lang: LangOption = None) -> None:
    """Validate a rule pack: every problem as PATH:LINE:COL: CODE message; exit 4 if there is any.

    Example: checkpoint rules check rules/
    """
    from checkpoint.engine import default_pack_path, read_pack  # the engine: loaded when a command runs
    from checkpoint.engine.profiling import profiling_problems

    path = pack or default_pack_path()
    loaded, problems = read_pack(path)
    if loaded is not None:
        problems = profiling_problems(loaded)  # SPEC §6: a pack that profiles is not used
        loaded = None if problems else loaded
    for problem in problems:
        typer.echo(str(problem))
    if loaded is None:
        typer.echo(f"{path}: {len(problems)} problem(s); the pack cannot be used.", err=True)
        raise typer.Exit(4)
    typer.echo(
        f"{path}: pack {loaded.name} {loaded.version} is valid: {len(loaded.rules)} rule(s), "
        f"{len(loaded.lists)} list(s), sha256 {loaded.sha256[:12]}…"
    )


@rules_app.command("test")
def test_command(
    pack: PackArgument = None,
    today: Annotated[str | None, typer.Option("--today", help="Date for cases without a departure date.")] = None,
    lang: LangOption = None,
) -> None:
    """Run the test cases embedded in each rule; exit 0 if all pass, 1 if any fails, 4 if the pack is invalid.

    A manifest case (several travellers screened together, for group rules) counts once per traveller.

    Example: checkpoint rules test rules/
    """
    from checkpoint.engine import default_pack_path, load_pack
    from checkpoint.ruletests import run_pack_tests

    loaded = load_pack(pack or default_pack_path())
    report = run_pack_tests(loaded, today=parse_today(today))
    for case in report.cases:
        for warning in case.warnings:
            typer.echo(f"{case.location}: warning {case.rule} '{case.case}': {warning}")
    for case in report.failures:
        typer.echo(f"{case.location}: FAIL {case.rule} '{case.case}': expected {case.expected}, got {case.actual}")
    passed = len(report.cases) - len(report.failures)
    typer.echo(f"{passed}/{len(report.cases)} case(s) passed in {len(loaded.rules)} rule(s)")
    typer.echo(
        f"coverage: {len(report.untested_rules)} rule(s) without tests; "
        f"{len(report.one_sided_conditions)} condition(s) never seen both true and false"
    )
    for item in report.one_sided_conditions:
        typer.echo(f"  one-sided: {item}")
    raise typer.Exit(1 if report.failures else 0)


def register(app: typer.Typer) -> None:
    """Add the `rules` group to the root command."""
    app.add_typer(rules_app, name="rules")
