"""Turn validation errors into located issues: file, line, column, field path, plain message."""

from __future__ import annotations

import difflib
import re
import types
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from revalign.contract.yaml_nodes import Located, Mark, Path, Place
from revalign.errors import Issue

ROOT = "(root)"
_IDENTIFIER = re.compile(r"[A-Za-z_][\w-]*")
_PREFIXES = ("Value error, ", "Assertion failed, ")


def format_path(path: Path) -> str:
    """`teams[0].reps[2].timezone`; odd keys are quoted: `revenue_per_quarter["2027Q5"]`."""
    text = ""
    for step in path:
        if isinstance(step, int):
            text += f"[{step}]"
        elif isinstance(step, str) and _IDENTIFIER.fullmatch(step):
            text += f".{step}" if text else step
        else:
            text += f"[{str(step)!r}]".replace("'", '"')
    return text or ROOT


def issue_at(file: str, path: Path, located: Located, message: str, on_key: bool = False) -> Issue:
    """An issue pointing at the value at `path` (or its key), or its nearest known ancestor."""
    mark = _mark(path, located, on_key)
    return Issue(file, mark.line, mark.column, format_path(path), message)


def validation_issues(
    error: ValidationError, located: Located, file: str, model: type
) -> list[Issue]:
    """One located issue per pydantic error; `model` is the validated class (for suggestions)."""
    issues = []
    for detail in error.errors(include_url=False):
        path, on_key = _resolve(detail["loc"], located.data)
        message = _message(detail, model)
        if detail["type"] == "missing":
            mark = _mark(path, located, False)  # the parent mapping: the field is absent
            shown = format_path((*path, detail["loc"][-1]))
            issues.append(Issue(file, mark.line, mark.column, shown, message))
        else:
            on_key = on_key or detail["type"] == "extra_forbidden"
            issues.append(issue_at(file, path, located, message, on_key))
    return issues


def _resolve(loc: tuple[int | str, ...], data: Any) -> tuple[Path, bool]:
    """The part of pydantic's `loc` that exists in the data, and whether it names a key.

    Steps that are not in the data are union-member tags or the missing field; both are
    dropped (the caller adds the missing field's name back).
    """
    path: list[Any] = []
    on_key = False
    current = data
    for step in loc:
        if step == "[key]":
            on_key = True
        elif isinstance(current, dict) and step in current:
            path.append(step)
            current = current[step]
        elif isinstance(current, dict) and _numeric_key(step, current) is not None:
            key = _numeric_key(step, current)
            path.append(key)
            current = current[key]
        elif isinstance(current, list) and isinstance(step, int) and 0 <= step < len(current):
            path.append(step)
            current = current[step]
    return tuple(path), on_key


def _numeric_key(step: int | str, mapping: dict[Any, Any]) -> Any:
    """pydantic reports a YAML key like `2027: ...` as the string '2027'; find the real key."""
    for key in mapping:
        if not isinstance(key, str) and str(key) == str(step):
            return key
    return None


def _mark(path: Path, located: Located, on_key: bool) -> Mark:
    for cut in range(len(path), -1, -1):
        place: Place | None = located.places.get(path[:cut])
        if place is not None:
            return place.key if on_key and cut == len(path) else place.value
    return Mark(1, 1)


def _message(detail: ErrorDetails, model: type) -> str:
    kind = detail["type"]
    if kind == "missing":
        return "field required"
    if kind == "extra_forbidden":
        key = detail["loc"][-1]
        known = _fields_at(model, detail["loc"][:-1])
        close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return f"unknown key {key!r}{hint}"
    if kind == "model_type":
        return f"expected a mapping of fields, got {_kind_of(detail['input'])}"
    message = detail["msg"]
    for prefix in _PREFIXES:
        message = message.removeprefix(prefix)
    return message


def _fields_at(model: type, loc: tuple[int | str, ...]) -> list[str]:
    """The field names of the model found by following `loc` from `model` ([] if none)."""
    current: Any = model
    for step in loc:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(str(step))
            if field is None:
                return []
            current = field.annotation
        elif get_origin(current) is list:
            current = get_args(current)[0]
        elif get_origin(current) is dict:
            current = get_args(current)[1]
        else:
            return []
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _unwrap(annotation: Any) -> Any:
    """`X | None` and `Annotated[X, ...]` -> X."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _unwrap(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        members = [a for a in get_args(annotation) if a is not type(None)]
        return _unwrap(members[0]) if len(members) == 1 else annotation
    return annotation


def _kind_of(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    return f"{type(value).__name__} {value!r}"
