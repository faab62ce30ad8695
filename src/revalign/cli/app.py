"""The Typer application object and the entry point that turns errors into exit codes.

Exit codes: 0 done, 2 the user can fix it (one line on stderr), 1 our bug (one line; the
traceback only with REVALIGN_DEBUG=1), 130 interrupted. No traceback reaches a user.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from revalign.cli.lazy import LazyGroup
from revalign.errors import InternalError, UserError

app = typer.Typer(
    cls=LazyGroup,  # a command's module is imported when it runs (see cli.lazy)
    name="revalign",
    help="One revenue funnel for marketing and sales.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err_console = Console(stderr=True, soft_wrap=True)  # one error per line, never wrapped

DEBUG_ENV = "REVALIGN_DEBUG"


def version() -> str:
    """The installed distribution's version (the source tree's when not installed)."""
    from importlib import metadata  # ~60 ms: only `--version` needs it

    try:
        return metadata.version("revalign")
    except metadata.PackageNotFoundError:
        from revalign import __version__

        return __version__


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"revalign {version()}")
        raise typer.Exit()


@app.callback()
def _root(
    _version: Annotated[
        bool,
        typer.Option(
            "--version", help="Print the version and exit.", is_eager=True, callback=_print_version
        ),
    ] = False,
    as_user: Annotated[
        str | None,
        typer.Option(
            "--as",
            help="Act as this revalign user (their role's permissions). "
            "Default: $REVALIGN_AS, else the local admin.",
        ),
    ] = None,
) -> None:
    """One revenue funnel for marketing and sales."""
    from revalign.cli.acting import set_acting

    set_acting(as_user)


def _error(prefix: str, message: str) -> None:
    err_console.print(f"[bold red]{prefix}:[/] {escape(message)}", highlight=False)


def _debug(exc: BaseException) -> None:
    if os.environ.get(DEBUG_ENV):
        import traceback

        traceback.print_exception(exc, file=sys.stderr)


def run(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; user-fixable errors print one clear message and give 2, bugs give 1."""
    try:
        app(args=list(argv) if argv is not None else None, standalone_mode=True)
    except SystemExit as exc:  # standalone mode exits; usage errors give 2
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except UserError as exc:
        _debug(exc)
        _error("error", str(exc))
        return exc.exit_code
    except InternalError as exc:
        _debug(exc)
        _error("internal error", str(exc))
        return exc.exit_code
    except KeyboardInterrupt:
        _error("interrupted", "stopped by the user (nothing half-written: batches are atomic)")
        return 130
    except OSError as exc:  # a file the system refused after our checks (race, disk full…)
        _debug(exc)
        if exc.filename is None:
            _error("internal error", f"{exc}; set {DEBUG_ENV}=1 for details")
            return 1
        _error("error", f"{exc.filename}: {exc.strerror or exc}")
        return 2
    except Exception as exc:  # our bug: say so in one line, details only on request
        _debug(exc)
        _error(
            "internal error",
            f"unexpected {type(exc).__name__} (a bug in revalign; "
            f"set {DEBUG_ENV}=1 for the traceback)",
        )
        return 1
    return 0


def main() -> None:
    """Console script entry point."""
    sys.exit(run())
