"""The Typer application object and the entry point that turns errors into exit codes."""

from __future__ import annotations

import sys

import typer
from rich.console import Console

from revalign.errors import InternalError, UserError

app = typer.Typer(
    name="revalign",
    help="One revenue funnel for marketing and sales.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err_console = Console(stderr=True)


def main() -> None:
    """Console script: user-fixable errors exit 2 with one clear message; bugs exit 1."""
    import revalign.cli  # noqa: F401  (registers every command)

    try:
        app()  # standalone: usage errors exit 2, typer.Exit keeps its code
    except UserError as exc:
        err_console.print(f"[bold red]error:[/] {exc}", markup=True, highlight=False)
        sys.exit(exc.exit_code)
    except InternalError as exc:
        err_console.print(f"[bold red]internal error:[/] {exc}", highlight=False)
        sys.exit(exc.exit_code)
