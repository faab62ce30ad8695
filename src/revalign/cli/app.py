"""The Typer application object and the entry point that turns errors into exit codes."""

from __future__ import annotations

import sys
from collections.abc import Sequence

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
err_console = Console(stderr=True, soft_wrap=True)  # one error per line, never wrapped


def run(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; user-fixable errors print one clear message and give 2, bugs give 1."""
    import revalign.cli  # noqa: F401  (registers every command)

    try:
        app(args=list(argv) if argv is not None else None, standalone_mode=True)
    except SystemExit as exc:  # standalone mode exits; usage errors give 2
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except UserError as exc:
        err_console.print(f"[bold red]error:[/] {exc}", highlight=False)
        return exc.exit_code
    except InternalError as exc:
        err_console.print(f"[bold red]internal error:[/] {exc}", highlight=False)
        return exc.exit_code
    return 0


def main() -> None:
    """Console script entry point."""
    sys.exit(run())
