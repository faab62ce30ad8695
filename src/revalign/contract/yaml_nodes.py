"""Read YAML into plain data while remembering where every key and value sits.

PyYAML's `safe_load` forgets positions and silently keeps the last of two equal keys. Here
the text is composed into nodes (which carry marks) and built by hand, so that:

* every key and value has a 1-based (line, column);
* a duplicate key is reported instead of overwritten;
* scalars follow YAML 1.2: only true/false are booleans (country code `NO` stays a string)
  and `9:30` is the string "9:30", not the base-60 integer 570.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NoReturn, Protocol

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

Path = tuple[Any, ...]

_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_MERGE = "tag:yaml.org,2002:merge"
_STR = "tag:yaml.org,2002:str"
# libyaml composes ~12x faster; its nodes carry the same marks
_FAST_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _YamlMark(Protocol):  # yaml.Mark, or libyaml's own mark type
    line: int
    column: int


@dataclass(frozen=True)
class Mark:
    """A 1-based position in the text."""

    line: int
    column: int

    @classmethod
    def of(cls, mark: _YamlMark | None) -> Mark:
        return cls(mark.line + 1, mark.column + 1) if mark else cls(1, 1)


@dataclass(frozen=True)
class Place:
    """Where a value sits, and where its key sits (the value's own mark for list items)."""

    key: Mark
    value: Mark


@dataclass
class Located:
    """Plain data plus the place of every path in it; `problems` are duplicate keys."""

    data: Any
    places: dict[Path, Place] = field(default_factory=dict)
    problems: list[tuple[Path, Mark, str]] = field(default_factory=list)


class YamlSyntaxError(Exception):
    """The text is not YAML; carries the position PyYAML reported."""

    def __init__(self, mark: Mark, message: str) -> None:
        self.mark = mark
        self.message = message
        super().__init__(f"{mark.line}:{mark.column}: {message}")


def compose_located(text: str) -> Located:
    """Parse one YAML document; raise YamlSyntaxError with a position if it is not YAML."""
    try:
        root = yaml.compose(text, Loader=_FAST_LOADER)
    except yaml.YAMLError:
        _raise_syntax_error(text)  # re-parsed in pure Python: same messages with or without libyaml
    located = Located(data=None)
    if root is None:
        return located
    start = Mark.of(root.start_mark)
    located.places[()] = Place(start, start)
    located.data = _Builder(located).build(root, ())
    return located


def _raise_syntax_error(text: str) -> NoReturn:
    try:
        yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = exc.problem or exc.context or "invalid YAML"
        if exc.context and exc.problem:
            message = f"{exc.problem} ({exc.context})"
        raise YamlSyntaxError(Mark.of(mark), message) from exc
    except yaml.YAMLError as exc:  # unmarked reader errors (bad bytes)
        raise YamlSyntaxError(Mark(1, 1), str(exc)) from exc
    raise YamlSyntaxError(Mark(1, 1), "invalid YAML")  # libyaml refused what PyYAML accepts


class _Builder:
    """Turns nodes into plain data, recording places and duplicate keys into `out`."""

    def __init__(self, out: Located) -> None:
        self.out = out
        self.constructor = SafeConstructor()

    def build(self, node: Node, path: Path) -> Any:
        if isinstance(node, MappingNode):
            return self.mapping(node, path)
        if isinstance(node, SequenceNode):
            items = []
            for index, item in enumerate(node.value):
                mark = Mark.of(item.start_mark)
                self.out.places[(*path, index)] = Place(mark, mark)
                items.append(self.build(item, (*path, index)))
            return items
        assert isinstance(node, ScalarNode)
        return self.scalar(node)

    def mapping(self, node: MappingNode, path: Path) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        first_seen: dict[Any, Mark] = {}
        merged: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                merged.update(self.merge_sources(value_node, path))
                continue
            key = self.scalar(key_node) if isinstance(key_node, ScalarNode) else None
            key_mark = Mark.of(key_node.start_mark)
            if key is None and not isinstance(key_node, ScalarNode):
                self.out.problems.append((path, key_mark, "a key must be a plain value"))
                continue
            if key in first_seen:
                earlier = first_seen[key]
                message = f"duplicate key {key!r} (first at line {earlier.line})"
                self.out.problems.append(((*path, key), key_mark, message))
                continue  # the first occurrence stands, as in most YAML 1.2 tools
            first_seen[key] = key_mark
            self.out.places[(*path, key)] = Place(key_mark, Mark.of(value_node.start_mark))
            result[key] = self.build(value_node, (*path, key))
        for key, value in merged.items():  # explicit keys override merged ones (YAML `<<`)
            result.setdefault(key, value)
        return result

    def merge_sources(self, node: Node, path: Path) -> dict[Any, Any]:
        sources = node.value if isinstance(node, SequenceNode) else [node]
        merged: dict[Any, Any] = {}
        for source in reversed(sources):  # earlier sources win
            if isinstance(source, MappingNode):
                merged.update(self.mapping(source, path))
            else:
                mark = Mark.of(source.start_mark)
                self.out.problems.append((path, mark, "`<<` needs a mapping"))
        return merged

    def scalar(self, node: ScalarNode) -> Any:
        """Construct a scalar with YAML 1.2 rules for booleans and base-60 numbers."""
        value: str = node.value
        if node.tag == _BOOL and value.lower() not in ("true", "false"):
            return value  # yes/no/on/off stay strings (the "Norway problem")
        if node.tag in (_INT, _FLOAT) and ":" in value:
            return value  # 9:30 is a time of day, not 570
        if node.tag == _STR:
            return value
        try:
            return self.constructor.construct_object(node, deep=True)
        except ConstructorError:
            return value
