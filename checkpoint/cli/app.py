"""The `checkpoint` command: joins the command groups and turns errors into exit codes (SPEC §2)."""

from __future__ import annotations

import contextlib
import os
import sys
from typing import Any

import typer
from typer.core import TyperGroup

from checkpoint import __version__
from checkpoint.cli import audit, desk, mrz, reconcile, registry, rules, screen, synth
from checkpoint.cli.failures import report_internal_error
from checkpoint.cli.options import help_text
from checkpoint.errors import CheckpointError
from checkpoint.i18n import choose_language, set_language, text


class CheckpointGroup(TyperGroup):
    """Root group: every command's CheckpointError becomes its exit code, anything else exit 70; every command's
    `--help` option is described in the language of the help texts."""

    def get_help_option(self, ctx: Any) -> Any:
        return _described(super().get_help_option(ctx))

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            _describe_help_options(command, ctx)
        return command

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException):  # typer's own exits and usage errors
            raise
        except CheckpointError as error:
            typer.echo(f"checkpoint: {error}", err=True)
            raise typer.Exit(error.exit_code) from None
        except BrokenPipeError:  # the reader went away (`checkpoint screen … | head`): not an error of ours
            _silence_stdout()
            raise typer.Exit(141) from None
        except Exception as error:  # the last line of defence: never a traceback on screen
            where = report_internal_error(error)
            typer.echo(text("cli.internal_error", kind=type(error).__name__, where=where), err=True)
            raise typer.Exit(70) from None


def _described(option: Any) -> Any:
    if option is not None:
        option.help = help_text("cli.help.help")
    return option


def _describe_help_options(command: Any, ctx: Any) -> None:
    """The `--help` option of `command` and of its subcommands, described in the help texts' language."""
    _described(command.get_help_option(ctx))
    for subcommand in getattr(command, "commands", {}).values():
        _describe_help_options(subcommand, ctx)


def _leave(code: object) -> None:
    """Exit with `code` without tearing the interpreter down.

    Every command has finished its work by now: output files and the audit log are written atomically
    and synced, so all that remains is flushing the standard streams. Dismantling the interpreter's
    objects (the name caches of a large manifest, the mapped registry) would cost a few tenths of a
    second a run for nothing.
    """
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:  # sys.exit("message"): Python prints it and exits 1
        print(code, file=sys.stderr)
        status = 1
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        status = 141
    with contextlib.suppress(BrokenPipeError, ValueError):
        sys.stderr.flush()
    os._exit(status)


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


app = typer.Typer(
    cls=CheckpointGroup,
    name="checkpoint",
    help=help_text("cli.help.root"),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"checkpoint {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help=help_text("cli.help.version")
    ),
) -> None:
    """Screen departing travellers against the PMI placement registry (SISKOP2MI / SIAPkerja)."""


for module in (screen, desk, registry, rules, mrz, audit, reconcile, synth):
    module.register(app)


def main() -> None:
    """Console entry point."""
    set_language(choose_language())  # a command's --lang may change it once its options are read
    try:
        app(prog_name="checkpoint")
    except SystemExit as done:
        _leave(done.code)
    except BrokenPipeError:
        _silence_stdout()
        sys.exit(141)
    except BaseException as error:  # e.g. a failure while printing the usage
        if isinstance(error, KeyboardInterrupt):
            typer.echo(text("cli.interrupted"), err=True)
            sys.exit(130)
        where = report_internal_error(error)
        typer.echo(text("cli.internal_error_early", where=where), err=True)
        sys.exit(70)
