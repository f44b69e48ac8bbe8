"""`checkpoint rules`: validate a rule pack, run the tests embedded in it, list the fields a rule can test."""

from __future__ import annotations

import json
import shutil
import textwrap
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from checkpoint.cli.options import LangOption, help_text, parse_today
from checkpoint.i18n import text

if TYPE_CHECKING:
    from checkpoint.engine.trace import RuleTrace, Trace

rules_app = typer.Typer(help=help_text("rules.help.group"), no_args_is_help=True)

PackArgument = Annotated[Path | None, typer.Argument(help=help_text("rules.help.pack"), show_default=False)]


class FieldsFormat(StrEnum):
    """How `rules fields` writes the fields: for people, or for scripts."""

    TABLE = "table"
    JSON = "json"


@rules_app.command("check", help=help_text("rules.help.check"))
def check_command(
    pack: PackArgument = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help=help_text("rules.help.verbose"))] = False,
    lang: LangOption = None,
) -> None:
    """Print every problem of the pack, then whether it can be used (exit 4 when not)."""
    from checkpoint.engine import default_pack_path, read_pack  # the engine: loaded when a command runs
    from checkpoint.engine.profiling import profiling_problems

    path = pack or default_pack_path()
    loaded, problems = read_pack(path)
    if loaded is not None:
        problems = profiling_problems(loaded)  # SPEC §6: a pack that profiles is not used
        loaded = None if problems else loaded
    for problem in problems:
        typer.echo(str(problem))
        if verbose and problem.detail:
            typer.echo(text("rules.check.parser_said", detail=problem.detail))
    if loaded is None:
        typer.echo(text("rules.check.invalid", path=path, count=len(problems)), err=True)
        raise typer.Exit(4)
    typer.echo(
        text(
            "rules.check.valid",
            path=path,
            name=loaded.name,
            version=loaded.version,
            rules=len(loaded.rules),
            lists=len(loaded.lists),
            sha256=loaded.sha256[:12],
        )
    )


@rules_app.command("test", help=help_text("rules.help.test"))
def test_command(
    pack: PackArgument = None,
    today: Annotated[str | None, typer.Option("--today", help=help_text("rules.help.today"))] = None,
    lang: LangOption = None,
) -> None:
    """Run the pack's embedded cases; under each failure, why the rule decided otherwise (exit 1)."""
    from checkpoint.engine import default_pack_path, load_pack
    from checkpoint.ruletests import run_pack_tests

    loaded = load_pack(pack or default_pack_path())
    report = run_pack_tests(loaded, today=parse_today(today))
    for case in report.cases:
        for warning in case.warnings:
            typer.echo(
                text("rules.test.warning", location=case.location, rule=case.rule, case=case.case, warning=warning)
            )
    for case in report.failures:
        typer.echo(
            text(
                "rules.test.fail",
                location=case.location,
                rule=case.rule,
                case=case.case,
                expected=case.expected,
                actual=case.actual,
            )
        )
        if case.trace is not None:
            for line in trace_lines(case.trace):
                typer.echo(f"    {line}")
    passed = len(report.cases) - len(report.failures)
    typer.echo(text("rules.test.passed", passed=passed, total=len(report.cases), rules=len(loaded.rules)))
    typer.echo(
        text(
            "rules.test.coverage",
            untested=len(report.untested_rules),
            one_sided=len(report.one_sided_conditions),
        )
    )
    for item in report.one_sided_conditions:
        typer.echo(text("rules.test.one_sided", condition=item))
    raise typer.Exit(1 if report.failures else 0)


def trace_lines(trace: RuleTrace) -> list[str]:
    """A failing case's conditions as a small tree: each part with its truth, the deciding ones marked."""
    lines: list[str] = []
    for label, tree in ((text("rules.trace.members"), trace.members), (text("rules.trace.when"), trace.when)):
        if tree is not None:
            lines.append(f"{label}:")
            lines += _tree(tree, "  ", "  ")
    return lines


def _tree(node: Trace, lead: str, rest: str) -> list[str]:
    """`node` on one line after `lead`, its parts below it, each line of them after `rest`."""
    truth = text(f"rules.trace.truth.{node.truth}")
    if node.leaf is not None:
        leaf = node.leaf
        key = "rules.trace.group_value" if leaf.field.startswith("group.") else "rules.trace.traveller_value"
        what = f"{leaf.field} {leaf.op} {leaf.written}".rstrip()
        line = f"{what} → {truth} ({text(key, value=node.value)})"
    else:
        line = f"{node.kind} → {truth}"
    if node.decides:
        line += f"  {text('rules.trace.decides')}"
    lines = [lead + line]
    for index, part in enumerate(node.parts):
        last = index == len(node.parts) - 1
        lines += _tree(part, rest + ("└─ " if last else "├─ "), rest + ("   " if last else "│  "))
    return lines


@rules_app.command("fields", help=help_text("rules.help.fields"))
def fields_command(
    output_format: Annotated[
        FieldsFormat, typer.Option("--format", help=help_text("rules.help.format"))
    ] = FieldsFormat.TABLE,
    lang: LangOption = None,
) -> None:
    """Print the fields a rule can test and the operators each type accepts, as a table or as JSON."""
    if output_format is FieldsFormat.JSON:
        typer.echo(json.dumps(_fields_document(), ensure_ascii=False, indent=2))
    else:
        for line in _fields_table(shutil.get_terminal_size((100, 24)).columns):
            typer.echo(line)


def _fields_document() -> dict[str, object]:
    """`rules fields --format json`: keys and codes in English, descriptions in the run's language."""
    from checkpoint.engine.pack import OPERATORS, field_catalogue

    return {
        "fields": [
            {
                "name": spec.name,
                "type": spec.type,
                "scope": spec.scope,
                "description": _description(spec.name, spec.description),
                "operators": _operator_order(OPERATORS[spec.type]),
            }
            for spec in field_catalogue().values()
        ],
        "operators": {kind: _operator_order(ops) for kind, ops in OPERATORS.items()},
    }


def _fields_table(columns: int) -> list[str]:
    """`rules fields` for people: one field a row (its description wrapped to the terminal), then the
    operators each type accepts and what each means."""
    from checkpoint.engine.pack import ALL_OPERATORS, OPERATORS, field_catalogue

    fields = field_catalogue()
    name_width = max(len(name) for name in fields)
    type_width = max(len(spec.type) for spec in fields.values())
    scope_width = max(len(spec.scope) for spec in fields.values())
    indent = name_width + type_width + scope_width + 6
    width = max(columns, indent + 30)
    heading = [text(f"rules.fields.header.{column}") for column in ("name", "type", "scope", "description")]
    lines = [
        text("rules.fields.title", count=len(fields)),
        "",
        f"{heading[0]:<{name_width}}  {heading[1]:<{type_width}}  {heading[2]:<{scope_width}}  {heading[3]}",
    ]
    for spec in fields.values():
        first = f"{spec.name:<{name_width}}  {spec.type:<{type_width}}  {spec.scope:<{scope_width}}  "
        wrapped = textwrap.wrap(_description(spec.name, spec.description), width - indent) or [""]
        lines += [first + wrapped[0], *(" " * indent + more for more in wrapped[1:])]
    lines += ["", text("rules.fields.group_note"), "", text("rules.fields.operators_title")]
    kind_width = max(len(kind) for kind in OPERATORS)
    lines += [f"  {kind:<{kind_width}}  {', '.join(_operator_order(ops))}" for kind, ops in OPERATORS.items()]
    op_width = max(len(op) for op in ALL_OPERATORS)
    lines += ["", *(f"  {op:<{op_width}}  {text(f'rules.operator.{op}')}" for op in _operator_order(ALL_OPERATORS))]
    return lines


def _description(name: str, fallback: str) -> str:
    """A field's description in the run's language; a field added without one shows fields.csv's words."""
    from checkpoint.i18n.language import has_text

    key = f"engine.field_description.{name}"
    return text(key) if has_text(key) else fallback


#: The operators in the order `rules fields` explains them: comparisons, lists, patterns, then presence.
_OPERATOR_ORDER = (
    "eq", "ne", "in", "not_in", "in_list", "not_in_list", "matches", "lt", "le", "gt", "ge", "between", "exists",
    "missing",
)  # fmt: skip


def _operator_order(known: frozenset[str]) -> list[str]:
    """Every operator once: those of `_OPERATOR_ORDER` in its order, any other after them."""
    return [op for op in _OPERATOR_ORDER if op in known] + sorted(known - set(_OPERATOR_ORDER))


def register(app: typer.Typer) -> None:
    """Add the `rules` group to the root command."""
    app.add_typer(rules_app, name="rules")
