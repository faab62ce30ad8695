"""The CLI imports only what a command needs: `--help` loads no heavy library, and the lazy
command table (cli.lazy.COMMANDS) matches what the command modules register."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from revalign.cli import import_all
from revalign.cli.app import app
from revalign.cli.lazy import COMMANDS
from revalign.contract.loader import default_contract_text

HEAVY = ("pandas", "duckdb", "sqlalchemy", "psycopg", "sklearn", "scipy", "numpy", "alembic")

_PROBE = """
import json, sys
from revalign.cli.app import run
code = run(sys.argv[1:])
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def _imported(*args: str, cwd: Path | None = None) -> tuple[int, set[str]]:
    """Run the CLI in a fresh interpreter; its exit code and the top-level modules loaded."""
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, check=False,
        cwd=cwd,
    )  # fmt: skip
    data = json.loads(done.stdout.strip().splitlines()[-1])
    return data["code"], {m.split(".")[0] for m in data["modules"]}


@pytest.mark.parametrize(
    "args",
    [("--help",), ("--version",), ("contract", "validate"), ("lead", "--help"), ("init", "--help")],
)
def test_light_commands_import_no_heavy_library(args: tuple[str, ...], tmp_path: Path) -> None:
    (tmp_path / "revalign.yaml").write_text(default_contract_text(), "utf-8")
    code, modules = _imported(*args, cwd=tmp_path)
    assert code == 0
    assert not modules & set(HEAVY), sorted(modules & set(HEAVY))


def test_a_command_that_needs_a_library_still_gets_it() -> None:
    code, modules = _imported("metrics", "--help")
    assert code == 0 and {"pandas", "sqlalchemy"} <= modules


def test_help_lists_every_command_with_its_own_help_text() -> None:
    import_all()
    registered: dict[str, str] = {}
    for command in app.registered_commands:
        assert command.callback is not None
        name = command.name or command.callback.__name__.replace("_", "-")
        doc = command.help or command.callback.__doc__ or ""
        registered[name] = doc.strip().splitlines()[0]
    for group in app.registered_groups:
        assert group.name and group.typer_instance is not None
        registered[group.name] = str(group.help or group.typer_instance.info.help).strip()
    table = {name: short for name, (_modules, short) in COMMANDS.items()}
    assert table == registered  # a new command needs its row in cli.lazy.COMMANDS


def test_every_command_lives_in_the_modules_its_row_names() -> None:
    import_all()
    for name, (modules, _help) in COMMANDS.items():
        registrars = {
            c.callback.__module__.rsplit(".", 1)[-1]
            for c in app.registered_commands
            if c.callback and (c.name or c.callback.__name__.replace("_", "-")) == name
        }
        for group in app.registered_groups:
            if group.name == name and group.typer_instance is not None:
                registrars |= {
                    c.callback.__module__.rsplit(".", 1)[-1]
                    for c in group.typer_instance.registered_commands
                    if c.callback
                }
        assert registrars == set(modules), name


def test_the_holiday_country_codes_are_the_library_s_own() -> None:
    import holidays

    from revalign.contract.schema import holiday_countries

    assert holiday_countries() == frozenset(holidays.list_supported_countries())


def test_the_migration_graph_read_without_alembic_is_alembic_s(tmp_path: Path) -> None:
    from alembic.script import ScriptDirectory

    from revalign.ledger import migrate

    script = ScriptDirectory.from_config(migrate._config())
    assert migrate.head_revision() == script.get_current_head()
    assert migrate.known_revisions() == {r.revision for r in script.walk_revisions()}


def test_a_read_command_on_a_ledger_imports_no_alembic(tmp_path: Path) -> None:
    from revalign.ledger import open_ledger

    url = f"sqlite:///{tmp_path / 'l.db'}"
    open_ledger(url).close()
    code, modules = _imported("lead", "show", "L-nobody", "--db", url)
    assert code == 2  # no such lead: a clear error, after opening the ledger
    assert "alembic" not in modules and "pandas" not in modules
