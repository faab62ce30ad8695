"""The README is the product's front page: it must match the CLI that exists.

Checks that every registered command and sub-command is documented as `revalign <name>` and
has help text, that the Quick start is exactly `make demo` and `make test`, that every linked
`docs/*.md` exists, and runs the README block marked `<!-- test: cli -->`.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer

from revalign.cli import import_all
from revalign.cli.app import app, run

import_all()  # registers every command (the CLI imports a command's module lazily)

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text("utf-8")
TEST_MARKER = "<!-- test: cli -->"


def _command_name(command: typer.models.CommandInfo) -> str:
    if command.name:
        return command.name
    assert command.callback is not None
    return command.callback.__name__.replace("_", "-")


def _commands(group: typer.Typer, prefix: str = "") -> Iterator[tuple[str, str]]:
    """(full name, help text) of every command and group, sub-commands included."""
    for command in group.registered_commands:
        callback_doc = command.callback.__doc__ if command.callback else None
        yield prefix + _command_name(command), (command.help or callback_doc or "").strip()
    for sub in group.registered_groups:
        assert sub.name, "every sub-app is added with a name"
        sub_app = sub.typer_instance
        assert sub_app is not None
        help_text = sub.help if isinstance(sub.help, str) else sub_app.info.help
        yield prefix + sub.name, str(help_text or "").strip()
        yield from _commands(sub_app, prefix + sub.name + " ")


COMMANDS = dict(_commands(app))


def _section(title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", README, re.M | re.S)
    assert match, f"README has no '## {title}' section"
    return match.group(1)


def _fenced_blocks(text: str) -> list[str]:
    return re.findall(r"^```[\w-]*\n(.*?)^```", text, re.M | re.S)


def test_the_command_walk_finds_the_known_commands() -> None:
    # guards the walk itself: a broken walk would make the README check vacuous
    assert {"init", "contract validate", "lead accept", "opp won", "score explain-model"} <= set(
        COMMANDS
    )
    assert len(COMMANDS) >= 25


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_has_help_and_is_in_the_readme(name: str) -> None:
    assert COMMANDS[name], f"`revalign {name}` has no help text"
    # `revalign ingest` must not be satisfied by `revalign ingest-dataset`
    pattern = rf"revalign {re.escape(name)}(?![\w-])"
    assert re.search(pattern, README), f"README does not mention `revalign {name}`"


def test_quick_start_is_exactly_make_demo_and_make_test() -> None:
    quick = _section("Quick start")
    blocks = _fenced_blocks(quick)
    assert blocks, "Quick start has no command block"
    commands = [line.split("#")[0].strip() for line in blocks[0].splitlines()]
    assert [c for c in commands if c] == ["make demo", "make test"]
    # no other make target sneaks into the Quick start
    assert set(re.findall(r"\bmake \w+", quick)) == {"make demo", "make test"}


def test_every_linked_doc_exists() -> None:
    links = set(re.findall(r"\]\((docs/[^)#\s]+\.md)(?:#[^)]*)?\)", README))
    assert len(links) >= 11, f"expected a link to every area's doc, found {sorted(links)}"
    missing = sorted(link for link in links if not (ROOT / link).is_file())
    assert not missing, f"README links to missing docs: {missing}"


def _marked_examples() -> list[tuple[list[str], int, list[str]]]:
    """(argv, expected exit code, expected output lines) from the marked console blocks."""
    examples: list[tuple[list[str], int, list[str]]] = []
    marked = rf"{re.escape(TEST_MARKER)}\n```console\n(.*?)^```"
    for block in re.findall(marked, README, re.M | re.S):
        for line in block.splitlines():
            if line.startswith("$ "):
                command, _, comment = line[2:].partition("#")
                argv = shlex.split(command)
                assert argv[0] == "revalign", f"only revalign commands can run: {line}"
                exit_match = re.match(r"\s*exit (\d+)", comment)
                examples.append((argv[1:], int(exit_match.group(1)) if exit_match else 0, []))
            elif line.strip():
                examples[-1][2].append(line.strip())
    return examples


def test_marked_readme_examples_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    examples = _marked_examples()
    assert len(examples) >= 3, "the README lost its tested example block"
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("REVALIGN_CONTRACT", raising=False)
    monkeypatch.delenv("REVALIGN_DB", raising=False)
    for argv, expected_code, expected_lines in examples:
        code = run(argv)
        captured = capsys.readouterr()
        output = [line.strip() for line in (captured.out + captured.err).splitlines()]
        assert code == expected_code, f"revalign {' '.join(argv)} gave {code}: {output}"
        for line in expected_lines:
            assert line in output, f"revalign {' '.join(argv)}: {line!r} not in {output}"
