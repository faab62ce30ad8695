"""`gc_paused()`: no cyclic garbage collection inside the block.

The folded state is ~10^6 long-lived, acyclic objects and every full collection re-scans all
of them: in an engine batch that was a quarter of the CPU, and in the loops that run beside a
loaded state (ingest translating rows, the demo writing its files and reading its story) a
third of the demo's. Cycles made meanwhile are collected after the block (the demo makes a
few thousand objects of cyclic garbage in all).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Disable the cyclic GC for the block (nested blocks leave it to the outermost)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
