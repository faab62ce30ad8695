"""The `revalign` command line. Each `*_cmds` module registers its commands on `app`; the
root group imports a command's module only when that command runs (see `cli.lazy`), so
`revalign --help` loads no analytics or database library. `import_all()` registers every
command at once (for tests that walk the whole app)."""

from revalign.cli.app import app, main
from revalign.cli.lazy import command_modules, import_commands


def import_all() -> None:
    """Import every command module, so `app.registered_commands` lists every command."""
    import_commands(command_modules())


__all__ = ["app", "import_all", "main"]
