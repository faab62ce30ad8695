"""Optional dependency groups (`pip install 'revalign[spark]'`): check before use, so a
missing extra is one line saying what to install, never a ModuleNotFoundError."""

from __future__ import annotations

import os
import shutil
from importlib import import_module

from revalign.errors import InputError, MissingExtra


def require(module: str, extra: str, what: str) -> None:
    """Raise MissingExtra unless `module` imports."""
    try:
        import_module(module)
    except ImportError:
        raise MissingExtra(what, extra) from None


def require_spark() -> None:
    """PySpark and a Java runtime, both needed by `--engine spark`."""
    require("pyspark", "spark", "--engine spark")
    if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        raise InputError("--engine spark needs Java: install a JDK (17 or later) or set JAVA_HOME")
