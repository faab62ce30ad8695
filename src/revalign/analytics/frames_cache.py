"""Frames that do not start from zero: the frames builder's state kept on disk as of a seq.

A reader loads the builder as it was after seq S, folds only the events after S into it,
and builds the frames; the result is the same object a full read builds, because it *is*
the same fold over the same events in the same order (`tests/test_frames_cache.py` checks
it after random histories). Cross-entity columns (an opportunity's team, channel, campaign
and owner come from its lead) are derived when the frames are built, never stored, so a
later change to the lead reaches its opportunities.

It is a cache, never a fact. A stored state is used only when all of these hold:

- its `fold_version()` (a hash of the frames builder, the refusal rules, the event codec,
  the event types and this format) is the running code's;
- the ledger is still the one it folded: the events at five seqs spread over 1..S (the first,
  the last and three between) have the same id, type, payload and `recorded_at` (the wall
  time of their append), so a ledger replaced at the same URL is refolded (a replacement
  that is identical at those five places is not detected: delete the cache, see below);
- no event after S is a `person.erased` (the past was redacted in place) and no refusal after
  S names a fact at or before S (that fact was already counted): either means a full read.

`person erase` and `rebuild` delete the file (`forget`). The frames read no contract (its
version is an event field like any other), so the contract is not part of the key.

Where: `$REVALIGN_CACHE_DIR`, else `$XDG_CACHE_HOME/revalign`, else `~/.cache/revalign`,
in `frames/<hash of the ledger URL>.pickle`; the ledger's own location is never written, so
a read-only ledger works. `REVALIGN_FRAMES_CACHE=off` turns it off; an unwritable cache dir
or an in-memory SQLite ledger just means no cache (every read folds from zero). Delete the
directory at any time. On PostgreSQL it is the same local file per machine: appends are
serialized by the ledger's write lock, so seqs become visible in order and "after S" never
skips an event committed later with a smaller seq.

Format "pickle5+zlib1" read with an allow-list of classes, like engine snapshots.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import tempfile
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from revalign.analytics.frames import Frames, _Builder
from revalign.analytics.refusals import refused_in, refused_in_ledger
from revalign.core.events import Event, EventType
from revalign.ledger.sql import SqlLedger
from revalign.ledger.tables import events as events_table

FORMAT = "frames-pickle5+zlib1"
SAVE_EVERY = 1000  # new events before the stored state is rewritten (a tail this short is ms)

_SOURCES = (
    ("revalign.analytics", "frames.py"),
    ("revalign.analytics", "refusals.py"),
    ("revalign.analytics", "frames_cache.py"),
    ("revalign.core", "events.py"),
    ("revalign.core", "lifecycle.py"),
    ("revalign.ledger", "codec.py"),
)
_ALLOWED = {
    "revalign.analytics.frames": {"_Builder", "_Rows", "_Coded"},
    "decimal": {"Decimal"},
    "array": {"array", "_array_reconstructor"},
    "builtins": {"set", "frozenset"},
}


@cache
def fold_version() -> str:
    """A hash of the code the frames fold runs and of the stored format."""
    digest = hashlib.sha256(FORMAT.encode())
    for package, name in _SOURCES:
        digest.update(resources.files(package).joinpath(name).read_bytes())
    return digest.hexdigest()[:32]


@dataclass
class _Stored:
    version: str
    seq: int
    fingerprint: str  # of the events at `_probes(seq)` (the ledger is the one it folded)
    builder: _Builder


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if name in _ALLOWED.get(module, ()) or (module == __name__ and name == "_Stored"):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"frames cache names {module}.{name}, which is not allowed")


def cache_dir() -> Path | None:
    """The directory of cached frames, or None when the cache is turned off."""
    if os.environ.get("REVALIGN_FRAMES_CACHE", "").lower() in ("0", "off", "no", "false"):
        return None
    root = os.environ.get("REVALIGN_CACHE_DIR")
    if root:
        return Path(root) / "frames"
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "revalign" / "frames"


def cache_path(ledger: SqlLedger) -> Path | None:
    """The cache file of this ledger, or None (cache off, or an in-memory database)."""
    directory = cache_dir()
    url = ledger.engine.url
    if directory is None or (
        url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")
    ):
        return None
    if url.get_backend_name() == "sqlite":  # the same file under any spelling of its path
        key = "sqlite:" + str(Path(str(url.database)).resolve())
    else:
        key = ledger.url
    return directory / (hashlib.sha256(key.encode()).hexdigest()[:24] + ".pickle")


def forget(ledger: SqlLedger) -> None:
    """Delete this ledger's cached frames (rebuild, erasure)."""
    path = cache_path(ledger)
    if path is not None:
        path.unlink(missing_ok=True)


def _read(path: Path) -> _Stored | None:
    try:
        data = path.read_bytes()
        stored = _Unpickler(io.BytesIO(zlib.decompress(data))).load()
    except (OSError, pickle.UnpicklingError, zlib.error, EOFError, AttributeError, TypeError,
            ValueError, ImportError):  # fmt: skip
        return None  # missing, unreadable or foreign: fold from zero
    if not isinstance(stored, _Stored) or stored.version != fold_version():
        return None
    return stored


def _write(path: Path, stored: _Stored) -> None:
    """Write atomically (a reader never sees half a file); an unwritable place is no cache."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        data = zlib.compress(pickle.dumps(stored, protocol=5), 1)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        pass


def _probes(seq: int) -> list[int]:
    return sorted({1, max(1, seq // 4), max(1, seq // 2), max(1, 3 * seq // 4), seq})


def fingerprint(ledger: SqlLedger, seq: int) -> str:
    """A hash of the first event at or after each probe seq up to `seq` (indexed look-ups;
    PostgreSQL seqs may have holes, so a probe takes the next event there is)."""
    e = events_table
    columns = (e.c.seq, e.c.id, e.c.type, e.c.payload, e.c.recorded_at)
    digest = hashlib.sha256()
    with ledger.reader() as conn:
        for probe in _probes(seq):
            query = sa.select(*columns).where(e.c.seq >= probe, e.c.seq <= seq)
            row = conn.execute(query.order_by(e.c.seq).limit(1)).first()
            if row is None:
                return ""  # the ledger is shorter: never equal to a stored fingerprint
            digest.update(repr(tuple(map(str, row))).encode())
    return digest.hexdigest()


def _still_valid(ledger: SqlLedger, stored: _Stored) -> bool:
    return bool(stored.fingerprint) and fingerprint(ledger, stored.seq) == stored.fingerprint


def _tail_folds_on(stored: _Stored, tail: Sequence[Event]) -> bool:
    """Whether the stored state plus `tail` is what a full read gives (see the module doc)."""
    if any(e.type is EventType.PERSON_ERASED for e in tail):
        return False
    ids, known = {e.id for e in tail}, stored.builder.refused
    return all(r in ids or r in known for r in refused_in(tail))


def _full(ledger: SqlLedger) -> tuple[_Builder, Iterable[Event]]:
    """A new builder and the events to fold into it: up to the seq that was last before the
    refusals were read, so a refusal appended meanwhile is either known or seen in a tail."""
    top = ledger.last_seq()
    return _Builder(refused_in_ledger(ledger)), ledger.read(after_seq=0, until_seq=top)


def load(ledger: SqlLedger) -> Frames:
    """The frames of the whole ledger, folding only what the cached state has not seen."""
    path = cache_path(ledger)
    stored = _read(path) if path is not None else None
    if stored is not None and not _still_valid(ledger, stored):
        stored = None
    tail = list(ledger.read(after_seq=stored.seq)) if stored is not None else []
    events: Iterable[Event]
    if stored is not None and _tail_folds_on(stored, tail):
        builder, events = stored.builder, tail
        builder.refused = set(builder.refused) | refused_in(tail)
    else:
        stored = None
        builder, events = _full(ledger)
    last, folded = None, 0
    for event in events:
        builder.apply(event)
        last, folded = event, folded + 1
    fresh = stored is None or folded >= SAVE_EVERY
    if path is not None and last is not None and last.seq is not None and fresh:
        _write(path, _Stored(fold_version(), last.seq, fingerprint(ledger, last.seq), builder))
    return builder.frames()  # after the save: the frames may share the builder's buffers
