"""Every CLI command, with bad arguments: never a traceback, exit 2 for what the user can fix.

The commands are found by walking the Typer app, so a command added later is covered too:
its required arguments get plausible values (by type and name), then one argument at a time
is replaced by a bad one (a missing file, an unwritable place, a foreign database, a wrong
PostgreSQL port…). Read commands must also leave a missing ledger missing.
"""

from __future__ import annotations

import enum
import inspect
import sqlite3
import types
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Union, get_args, get_origin, get_type_hints

import pytest
import sqlalchemy as sa
import typer
from typer.models import ArgumentInfo, OptionInfo

from revalign.cli import import_all
from revalign.cli.app import app, run
from revalign.contract.loader import default_contract_text
from revalign.ledger.connect import migrate_ledger

import_all()  # registers every command (the CLI imports a command's module lazily)

# Commands that may create a ledger where there is none (the brief's list); every other
# command must refuse a missing ledger with exit 2 and leave no file behind.
CREATES = {"init", "demo", "ingest", "ingest-dataset", "migrate"}
WRONG_PORT = "postgresql+psycopg://postgres@127.0.0.1:1/test"
UNWRITABLE = "/proc/revalign-edges/x"  # refused even to root
NOWHERE = "/nonexistent-revalign/dir/x.csv"


@dataclass(frozen=True)
class Param:
    name: str
    flag: str | None  # None: a positional argument
    base: Any
    required: bool
    multiple: bool


def _base(hint: Any) -> tuple[Any, bool]:
    """The plain type of a parameter (Optional and list removed) and whether it repeats."""
    if get_origin(hint) in (Union, types.UnionType):
        hint = next(a for a in get_args(hint) if a is not type(None))
    if get_origin(hint) is list:
        return get_args(hint)[0], True
    return hint, False


def _params(callback: Any) -> list[Param]:
    hints = get_type_hints(callback, include_extras=True)
    out: list[Param] = []
    for name, p in inspect.signature(callback).parameters.items():
        hint, info = hints[name], None
        if get_origin(hint) is Annotated:
            hint, *meta = get_args(hint)
            info = next((m for m in meta if isinstance(m, OptionInfo | ArgumentInfo)), None)
        if info is None and isinstance(p.default, OptionInfo | ArgumentInfo):
            info = p.default
        base, multiple = _base(hint)
        flag = None
        if not isinstance(info, ArgumentInfo):
            decls = [d for d in (info.param_decls or ()) if d.startswith("--")] if info else []
            flag = decls[0].split("/")[0] if decls else "--" + name.replace("_", "-")
        required = p.default is inspect.Parameter.empty or (
            info is not None and info.default is ...
        )
        out.append(Param(name, flag, base, required, multiple))
    return out


def _walk(group: typer.Typer, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    for command in group.registered_commands:
        assert command.callback is not None
        name = command.name or command.callback.__name__.replace("_", "-")
        yield (*prefix, name)
    for sub in group.registered_groups:
        assert sub.name and sub.typer_instance is not None
        yield from _walk(sub.typer_instance, (*prefix, sub.name))


def _callback(path: tuple[str, ...]) -> Any:
    group = app
    for part in path[:-1]:
        sub = next(g.typer_instance for g in group.registered_groups if g.name == part)
        assert sub is not None
        group = sub
    for command in group.registered_commands:
        assert command.callback is not None
        if (command.name or command.callback.__name__.replace("_", "-")) == path[-1]:
            return command.callback
    raise AssertionError(path)


COMMANDS = {" ".join(p): _params(_callback(p)) for p in _walk(app)}
WITH_DB = sorted(name for name, ps in COMMANDS.items() if any(p.name == "db" for p in ps))
PATH_PARAMS = sorted((name, p.name) for name, ps in COMMANDS.items() for p in ps if p.base is Path)
# plausible values for required text options, by parameter name
TEXT = {"model": "markov", "quarter": "2026Q4", "decision_date": "2026-12-01",
        "amount": "100", "field": "budget=1", "name": "olist", "by": "ana",
        "reason": "no_budget", "kind": "call"}  # fmt: skip


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("edges")
    (root / "leads.csv").write_text("email,company\na@example.com,Acme\n", "utf-8")
    (root / "revalign.yaml").write_text(default_contract_text(), "utf-8")
    migrate_ledger(f"sqlite:///{root / 'good.db'}")
    foreign = sqlite3.connect(root / "foreign.db")
    foreign.execute("create table customers (id integer primary key, name text)")
    foreign.commit()
    foreign.close()
    (root / "text.db").write_text("this is not a database\n", "utf-8")
    newer = root / "newer.db"
    migrate_ledger(f"sqlite:///{newer}")
    engine = sa.create_engine(f"sqlite:///{newer}")
    with engine.begin() as conn:
        conn.execute(sa.text("update alembic_version set version_num = '9999_future'"))
    engine.dispose()  # closing the last connection folds the WAL into the file
    return {"root": root, "good": root / "good.db"}


def _value(p: Param, files: dict[str, Path]) -> str:
    root = files["root"]
    if p.base is Path:
        if p.name in ("other", "recorded", "contract"):
            return str(root / "revalign.yaml")
        if p.name in ("out", "directory", "rejects"):
            return str(root / f"new-{p.name}")
        if p.name == "path":  # a dataset folder
            return str(root)
        return str(root / "leads.csv")
    if isinstance(p.base, type) and issubclass(p.base, enum.Enum):
        return str(next(iter(p.base)).value)
    if p.base in (int, float):
        return "1"
    return TEXT.get(p.name, "x")


def _argv(command: str, files: dict[str, Path], **override: str) -> list[str]:
    """The command with every required parameter filled, and `override` by parameter name."""
    argv = command.split()
    for p in COMMANDS[command]:
        if p.name in override:
            value = override[p.name]
        elif p.required and p.base is not bool:
            value = _value(p, files)
        else:
            continue
        argv += [value] if p.flag is None else [p.flag, value]
    return argv


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = run(argv)
    captured = capsys.readouterr()
    output = captured.out + captured.err
    assert "Traceback" not in output, f"revalign {' '.join(argv)}:\n{output}"
    assert "sqlalche.me" not in output, f"revalign {' '.join(argv)} shows internals:\n{output}"
    return code, output


def test_the_walk_finds_every_kind_of_command() -> None:
    # guards the walk: a broken one would make every test below vacuous
    assert {"status", "metrics", "lead show", "lead accept", "opp won", "ingest", "migrate"} <= set(
        COMMANDS
    )
    assert ("ingest", "file") in PATH_PARAMS and ("score train", "out") in PATH_PARAMS
    assert len(WITH_DB) >= 15


BAD_DBS = {
    "folder missing": "sqlite:////nonexistent-revalign/dir/x.db",
    "not a URL": "nonsense",
    "unsupported": "mysql://x@localhost/db",
    "wrong PG port": WRONG_PORT,
}


@pytest.mark.parametrize("bad", sorted(BAD_DBS))
@pytest.mark.parametrize("command", WITH_DB)
def test_bad_database_urls_are_user_errors(
    command: str, bad: str, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, output = _run(_argv(command, files, db=BAD_DBS[bad]), capsys)
    assert code == 2, output


@pytest.mark.parametrize("kind", ["foreign.db", "text.db", "newer.db", "folder"])
@pytest.mark.parametrize("command", WITH_DB)
def test_databases_that_are_not_ledgers_are_refused_untouched(
    command: str, kind: str, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    target = files["root"] / kind if kind != "folder" else files["root"]
    before = target.read_bytes() if target.is_file() else None
    code, output = _run(_argv(command, files, db=f"sqlite:///{target}"), capsys)
    assert code == 2, output
    if before is not None:
        assert target.read_bytes() == before, f"{command} changed {kind}"


@pytest.mark.parametrize("command", [c for c in WITH_DB if c not in CREATES])
def test_read_and_verb_commands_never_create_a_ledger(
    command: str, tmp_path: Path, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "missing.db"
    code, output = _run(_argv(command, files, db=f"sqlite:///{missing}"), capsys)
    assert code == 2, output
    assert not missing.exists(), f"{command} created {missing}"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("bad", [NOWHERE, UNWRITABLE])
@pytest.mark.parametrize(("command", "param"), PATH_PARAMS)
def test_bad_paths_are_user_errors(
    command: str, param: str, bad: str, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    override = {param: bad}
    if any(p.name == "db" for p in COMMANDS[command]):
        override["db"] = f"sqlite:///{files['good']}"
    code, output = _run(_argv(command, files, **override), capsys)
    assert code == 2, output
    assert not Path(bad).parent.exists()


def test_missing_ledger_says_how_to_create_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    code, output = _run(["status", "--db", url], capsys)
    assert code == 2
    assert f"no ledger at {tmp_path / 'demo.db'}" in output
    assert f"revalign demo --db {url}" in output


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["ingest", "{root}", "--kind", "leads"], "is a folder"),
        (["ingest", "{root}/leads.csv", "--kind", "leads", "--rejects", "{root}"], "is a folder"),
        (["ingest", "{root}/leads.csv", "--kind", "leads", "--rejects", "/proc/rej.csv"],
         "cannot write in /proc"),
        (["init", "/proc/acme"], "cannot write in /proc"),
        (["init", "{root}/leads.csv"], "is a file, not a folder"),
        (["demo", "--out", "/proc/x"], "cannot write in /proc"),
        (["demo", "--out", "{root}/leads.csv"], "is a file, not a folder"),
        (["demo", "--out", "{root}"], "use --force"),
        (["score", "train", "{root}", "--out", "/nonexistent/dir/m.joblib"],
         "folder /nonexistent/dir does not exist"),
        (["score", "train", "{root}", "--out", "{root}/leads.csv"], "use --force"),
        (["score", "train", "{root}", "--out", "{root}"], "is a folder"),
        (["attribution", "--model", "markov", "--journeys", "{root}"], "is a folder"),
        (["ingest-dataset", "olist", "{root}/leads.csv"], "is a file, not a folder"),
        (["metrics", "--engine", "postgres", "--pg-url", WRONG_PORT, "--db", "sqlite:///{good}"],
         "cannot connect to the --pg-url database"),
        (["lead", "accept", "L1", "--by", "ana", "--at", "yesterday", "--db", "sqlite:///{good}"],
         "not an ISO date"),
    ],
)  # fmt: skip
def test_known_tracebacks_are_one_line_errors(
    argv: list[str], message: str, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    filled = [a.format(root=files["root"], good=files["good"]) for a in argv]
    code, output = _run(filled, capsys)
    assert code == 2, output
    assert message in output
    assert output.strip().startswith("error:") and len(output.strip().splitlines()) == 1


def test_spark_without_the_extra_says_which_extra(
    files: dict[str, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(__import__("sys").modules, "pyspark", None)  # import now fails
    code, output = _run(["metrics", "--engine", "spark", "--db", f"sqlite:///{files['good']}"],
                        capsys)  # fmt: skip
    assert code == 2
    assert "pip install 'revalign[spark]'" in output


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    from revalign.cli.app import version

    code, output = _run(["--version"], capsys)
    assert code == 0 and output.strip() == f"revalign {version()}"


def test_our_bugs_exit_1_without_internals(
    files: dict[str, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import revalign.cli.ledger_cmds as ledger_cmds

    def broken(*_: object) -> None:
        raise KeyError("secret-internal-detail")

    monkeypatch.setattr(ledger_cmds, "funnel_counts", broken)
    monkeypatch.delenv("REVALIGN_DEBUG", raising=False)
    argv = ["status", "--db", f"sqlite:///{files['good']}"]
    code, output = _run(argv, capsys)
    assert code == 1
    assert "internal error" in output and "secret-internal-detail" not in output
    monkeypatch.setenv("REVALIGN_DEBUG", "1")
    assert run(argv) == 1
    assert "secret-internal-detail" in capsys.readouterr().err  # details on request
