"""No sentence people read is written in the code: an AST scan of `checkpoint/` for text that bypasses the catalog.

What people read leaves the code in three ways, and each must come from `text(…)` / `help_text(…)`:
(a) the message of an error people see (a `CheckpointError` subclass, a `DeskProblem`, typer's `BadParameter`),
(b) what is written to the screen (`typer.echo`, `typer.secho`, `print`, `console.print`, `err.print`,
    `typer.prompt`, `typer.confirm`, `sys.stdout.write`, `sys.stderr.write`),
(c) a help text (`help=`, `short_help=`, `epilog=` of a typer command, group, option or argument).
A string literal or f-string given there is a finding when it holds a word: two or more letters, at least one
lower-case (codes such as `MRZ` or `TD3` are the same in both languages), once option names (`--audit-log`),
variables (`$CHECKPOINT_HOME`), placeholders and dotted names (catalog keys, file names) are set aside, and not
counting the program's own name. Calls nested inside the text are not entered, except the keyword values of
`text(…)` (a word passed as a placeholder reads as English inside an Indonesian sentence) and the literal a
`.format(…)` or `.join(…)` is called on.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__import__("checkpoint").__file__).resolve().parent

#: Modules set aside from the scan while they are being converted to the catalog; empty: every module is scanned.
BEING_CONVERTED: frozenset[str] = frozenset()

#: Exceptions whose message is shown to people as it is; their subclasses anywhere in the package count too.
SPOKEN_EXCEPTIONS = frozenset({"CheckpointError", "DeskProblem", "BadParameter"})
#: Calls that put text on the screen, by the name called (`typer.echo`, `console.print`, `err.print`, `print`).
SCREEN_CALLS = frozenset({"echo", "secho", "print", "prompt", "confirm"})
#: Streams whose `.write(…)` reaches people.
SCREEN_STREAMS = frozenset({"sys.stdout", "sys.stderr"})
HELP_KEYWORDS = frozenset({"help", "short_help", "epilog"})
#: Calls whose result is catalog text: their keyword values are placeholders, their first argument a key.
CATALOG_CALLS = frozenset({"text", "help_text", "text_in"})

_SET_ASIDE = re.compile(r"--?[A-Za-z][\w-]*|\$\w+|\{[^{}]*\}|\w+(?:\.\w+)+")
_WORD = re.compile(r"[A-Za-z]*[a-z][A-Za-z]*")
_NOT_LANGUAGE = frozenset({"checkpoint"})


@dataclass(frozen=True)
class Finding:
    """A literal people would read, not from the catalog: where it is and how it starts."""

    path: str
    line: int
    literal: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.literal}"


def has_words(value: str) -> bool:
    """Whether `value` holds a word of a language (see the module's docstring for what is set aside)."""
    rest = _SET_ASIDE.sub(" ", value)
    return any(len(word) >= 2 and word.lower() not in _NOT_LANGUAGE for word in _WORD.findall(rest))


def spoken_exceptions(trees: Iterable[ast.Module]) -> frozenset[str]:
    """The names of SPOKEN_EXCEPTIONS and of every class of `trees` derived from one of them."""
    classes = [node for tree in trees for node in ast.walk(tree) if isinstance(node, ast.ClassDef)]
    found = set(SPOKEN_EXCEPTIONS)
    grown = True
    while grown:
        grown = False
        for node in classes:
            if node.name not in found and any(_called_name(base) in found for base in node.bases):
                found.add(node.name)
                grown = True
    return frozenset(found)


def scan(source: str, path: str, exceptions: frozenset[str] = SPOKEN_EXCEPTIONS) -> list[Finding]:
    """Every literal with words that `source` shows to people without the catalog."""
    findings = []
    for node in ast.walk(ast.parse(source, path)):
        if not isinstance(node, ast.Call):
            continue
        name = _called_name(node.func)
        shown: list[ast.expr] = []
        if name in exceptions or name in SCREEN_CALLS or _is_stream_write(node.func):
            shown += node.args
        shown += [keyword.value for keyword in node.keywords if keyword.arg in HELP_KEYWORDS]
        for expression in shown:
            for literal in _literals(expression):
                findings.append(Finding(path, literal.lineno, ast.unparse(literal)[:90]))
    return findings


def scan_package(package: Path, exempt: Iterable[str] = BEING_CONVERTED) -> list[Finding]:
    """`scan` over every module of `package` but the `exempt` ones (`area/*` or `area/module.py`)."""
    sources = {path.relative_to(package).as_posix(): path.read_text(encoding="utf-8") for path in package.rglob("*.py")}
    trees = [ast.parse(source) for source in sources.values()]
    exceptions = spoken_exceptions(trees)
    return [
        finding
        for relative, source in sorted(sources.items())
        if not _exempt(relative, exempt)
        for finding in scan(source, relative, exceptions)
    ]


def _exempt(relative: str, exempt: Iterable[str]) -> bool:
    return any(relative == pattern or relative.startswith(pattern.removesuffix("*")) for pattern in exempt)


def _called_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _is_stream_write(func: ast.expr) -> bool:
    return isinstance(func, ast.Attribute) and func.attr == "write" and ast.unparse(func.value) in SCREEN_STREAMS


def _literals(expression: ast.expr) -> Iterator[ast.expr]:
    """The literals with words in `expression`, as far as they end up in the text shown."""
    if isinstance(expression, ast.Constant):
        if isinstance(expression.value, str) and has_words(expression.value):
            yield expression
    elif isinstance(expression, ast.JoinedStr):
        fixed = "".join(part.value for part in expression.values if isinstance(part, ast.Constant))
        if has_words(fixed):
            yield expression
        for part in expression.values:
            if isinstance(part, ast.FormattedValue):
                yield from _literals(part.value)
    elif isinstance(expression, ast.Call):
        if _called_name(expression.func) in CATALOG_CALLS:
            for keyword in expression.keywords:
                yield from _literals(keyword.value)
        elif isinstance(expression.func, ast.Attribute):  # "… {}".format(…), ", ".join(…)
            yield from _literals(expression.func.value)
            if expression.func.attr == "format":
                for argument in (*expression.args, *(keyword.value for keyword in expression.keywords)):
                    yield from _literals(argument)
    elif isinstance(expression, ast.Subscript):  # TEXTS["key"]: the key is not shown
        yield from _literals(expression.value)
    elif isinstance(expression, ast.expr):
        for child in ast.iter_child_nodes(expression):
            if isinstance(child, ast.expr):
                yield from _literals(child)


# --- the package -------------------------------------------------------------------------------------------


def test_no_module_shows_people_a_text_outside_the_catalog() -> None:
    findings = scan_package(PACKAGE)
    assert [str(finding) for finding in findings] == []


def test_the_modules_set_aside_exist() -> None:
    """A pattern that matches no module (renamed, moved) would exempt nothing and hide nothing: drop it."""
    modules = [path.relative_to(PACKAGE).as_posix() for path in PACKAGE.rglob("*.py")]
    for pattern in BEING_CONVERTED:
        assert any(_exempt(module, [pattern]) for module in modules), pattern


def test_the_spoken_exceptions_of_the_package_are_found() -> None:
    trees = [ast.parse(path.read_text(encoding="utf-8")) for path in PACKAGE.rglob("*.py")]
    found = spoken_exceptions(trees)
    assert {"UsageError", "InputDataError", "ConfigError", "AuditError", "AuditChainError", "DecisionError"} <= found


# --- the scanner, on planted snippets ----------------------------------------------------------------------

CAUGHT = {
    "error message": 'raise InputDataError(f"the manifest {path} has no name column.")',
    "subclass of a subclass": 'class AuditChainError(AuditError): ...\nraise AuditChainError("the log was edited", 3)',
    "echo": 'typer.echo("Problems:")',
    "secho": 'typer.secho("MRZ valid: the layout holds.", fg="green")',
    "console print": 'self.screen.print(f"{count} travellers screened")',
    "stderr write": 'sys.stderr.write("interrupted\\n")',
    "help of an option": 'x = typer.Option("--flight", help="Flight or vessel.")',
    "help of a command": 'app.command("mrz", short_help="Parse an MRZ.")(mrz)',
    "a word in a placeholder": 'raise AuditError(text("audit.chain.unreadable", what="head file", path=p))',
    "a word added to a catalog text": 'typer.echo(text("mrz.valid") + " (expired)")',
    "a formatted template": 'raise ConfigError("the model {} is not valid".format(path))',
    "a template's argument": 'raise ConfigError(TEXTS["damaged"].format(what="anchor"))',
    "a plural made by hand": "typer.echo(f\"{n} problem{'s' if n != 1 else ''}\")",
    "a conditional": 'typer.echo("cleared" if ok else "referred")',
}

PASSED = {
    "catalog text": 'raise UsageError(text("audit.two_paths"))',
    "help from the catalog": 'x = typer.Option("--lang", help=help_text("cli.help.lang"))',
    "layout only": "typer.echo(f\"  {label:<{width}}  {value or '-'}\")",
    "the program's name and a catalog text": 'typer.echo(f"checkpoint: {error}", err=True)',
    "codes in upper case": 'typer.echo(f"MRZ {code} TD3")',
    "option names and variables": 'typer.echo(text("cli.bad", option="--from", home="$CHECKPOINT_HOME"))',
    "a catalog key given to a desk problem": 'raise DeskProblem("desk.typed.needs_name_or_passport")',
    "a file name": 'typer.echo(f"{folder}/registry.parquet")',
    "a developer's error": 'raise ValueError("find_screening needs a pax_id or a seq")',
    "a log file's line": 'handle.write("caused by / during handling of:")',
    "machine output": "typer.echo(json.dumps(result, indent=2))",
    "the key of a template": 'raise AuditError(TEXTS["no log"].format(path=path))',
    "a word inside another call": 'typer.echo(path.read_text(encoding="utf-8"))',
}


def _scan_snippet(source: str) -> list[Finding]:
    """`scan` of `source`, knowing the package's error classes as well as those `source` defines."""
    errors = ast.parse((PACKAGE / "errors.py").read_text(encoding="utf-8"))
    return scan(source, "snippet.py", spoken_exceptions([ast.parse(source), errors]))


@pytest.mark.parametrize("source", CAUGHT.values(), ids=CAUGHT.keys())
def test_a_planted_english_literal_is_found(source: str) -> None:
    findings = _scan_snippet(source)
    assert findings
    assert {(finding.path, finding.line) for finding in findings} == {("snippet.py", source.count("\n") + 1)}


@pytest.mark.parametrize("source", PASSED.values(), ids=PASSED.keys())
def test_text_from_the_catalog_and_text_nobody_reads_pass(source: str) -> None:
    assert _scan_snippet(source) == []


def test_a_planted_literal_in_a_copy_of_the_package_fails_the_scan(tmp_path: Path) -> None:
    """The package scan itself (not only `scan`) finds a literal planted in a module it covers, and the
    exemption set hides one planted in a module being converted."""
    package = tmp_path / "checkpoint"
    (package / "cli").mkdir(parents=True)
    (package / "registry").mkdir()
    (package / "errors.py").write_text("class CheckpointError(Exception): ...\n", encoding="utf-8")
    (package / "cli" / "mrz.py").write_text('import typer\ntyper.echo("MRZ valid")\n', encoding="utf-8")
    (package / "registry" / "store.py").write_text('typer.echo("store opened")\n', encoding="utf-8")
    found = [str(finding) for finding in scan_package(package, exempt={"registry/*"})]
    assert found == ["cli/mrz.py:2: 'MRZ valid'"]
    assert len(scan_package(package, exempt=())) == 2
