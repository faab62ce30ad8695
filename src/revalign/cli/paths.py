"""Checks for every file and folder argument, run before any work starts.

Use them as Typer callbacks (`typer.Option(..., callback=paths.readable_file)`) or call the
`check_*` functions in a command when the check depends on another option (`--force`).
Each failure is an `InputError` naming the option: one line, exit code 2, no traceback.
Writability is probed by creating (and removing) a temporary file in the folder, because
permission bits say nothing for root or for file systems such as /proc.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import typer

from revalign.errors import InputError


def label(param: typer.CallbackParam | None, path: Path) -> str:
    """`--out /x` for an option, `FILE /x` for an argument: what the user typed."""
    if param is None:
        return str(path)
    opts = [o for o in param.opts if o.startswith("-")]
    name = opts[0] if opts else (param.name or "").upper()
    return f"{name} {path}"


def _probe_folder(folder: Path, what: str) -> None:
    """Raise unless a file can be created in `folder`."""
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        raise InputError(f"{what}: cannot write in {folder} ({exc.strerror or exc})") from None


def check_readable_file(path: Path, what: str) -> Path:
    """An existing, readable file (not a folder)."""
    if not path.exists():
        raise InputError(f"{what}: no such file")
    if path.is_dir():
        raise InputError(f"{what}: is a folder, not a file")
    if not os.access(path, os.R_OK):
        raise InputError(f"{what}: not readable (permission denied)")
    return path


def check_readable_path(path: Path, what: str) -> Path:
    """An existing, readable file or folder."""
    if not path.exists():
        raise InputError(f"{what}: no such file or folder")
    if not os.access(path, os.R_OK):
        raise InputError(f"{what}: not readable (permission denied)")
    return path


def check_readable_dir(path: Path, what: str) -> Path:
    """An existing, readable folder."""
    check_readable_path(path, what)
    if not path.is_dir():
        raise InputError(f"{what}: is a file, not a folder")
    return path


def check_writable_file(path: Path, what: str, *, force: bool | None = None) -> Path:
    """A file we may write: not a folder, its folder exists and takes files. An existing file
    is refused unless `force` (force=None: overwriting is the command's normal behaviour)."""
    if path.is_dir():
        raise InputError(f"{what}: is a folder, not a file")
    parent = path.parent
    if not parent.is_dir():
        raise InputError(f"{what}: folder {parent} does not exist")
    if path.exists():
        if force is False:
            raise InputError(f"{what} already exists; use --force to overwrite it")
        if not os.access(path, os.W_OK):
            raise InputError(f"{what}: not writable (permission denied)")
    _probe_folder(parent, what)
    return path


def check_writable_dir(path: Path, what: str, *, force: bool | None = None) -> Path:
    """A folder we may write into, or create (its parent must exist). A folder with files in
    it is refused unless `force` (force=None: allowed)."""
    if path.exists():
        if not path.is_dir():
            raise InputError(f"{what}: is a file, not a folder")
        if force is False and any(path.iterdir()):
            raise InputError(f"{what}: folder is not empty; use --force to write into it")
        _probe_folder(path, what)
        return path
    if not path.parent.is_dir():
        raise InputError(f"{what}: folder {path.parent} does not exist")
    _probe_folder(path.parent, what)
    return path


def make_dir(path: Path, what: str) -> None:
    """mkdir -p, as an InputError when the system refuses (checked paths can still race)."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"{what}: cannot create the folder ({exc.strerror or exc})") from None


# -- Typer callbacks (value None: the option was not given) ---------------------------------


def readable_file(param: typer.CallbackParam, value: Path | None) -> Path | None:
    """Callback: the argument is an existing readable file."""
    return None if value is None else check_readable_file(value, label(param, value))


def readable_path(param: typer.CallbackParam, value: Path | None) -> Path | None:
    """Callback: the argument is an existing readable file or folder."""
    return None if value is None else check_readable_path(value, label(param, value))


def readable_dir(param: typer.CallbackParam, value: Path | None) -> Path | None:
    """Callback: the argument is an existing readable folder."""
    return None if value is None else check_readable_dir(value, label(param, value))


def writable_file(param: typer.CallbackParam, value: Path | None) -> Path | None:
    """Callback: the argument is a file we may (over)write."""
    return None if value is None else check_writable_file(value, label(param, value))
