"""Where the analytics keep folded state between reads, and how they know it still holds.

One file per ledger and kind (`frames`, `sla`) in the user's cache directory, each the
state of a read-only fold as of a ledger seq; `frames_cache` and `sla_cache` say what they
fold and when a tail cannot simply be folded on. Shared here:

- the place: `$REVALIGN_CACHE_DIR`, else `$XDG_CACHE_HOME/revalign`, else `~/.cache/revalign`,
  then `frames/<hash of the ledger URL>.<kind>.pickle`; never the ledger's own location (a
  read-only ledger works); `REVALIGN_FRAMES_CACHE=off`, an in-memory SQLite ledger or an
  unwritable directory mean no cache (each read folds from zero);
- the key: a `version` (the caller's hash of its folding code, plus whatever else its state
  depends on) and a fingerprint of the ledger (the events at five seqs spread up to the
  cached one: id, type, payload, append time), so a ledger replaced at the same URL is
  refolded (one identical at those five places is not detected: delete the cache);
- the format: pickle protocol 5 + zlib level 1, read with an allow-list of classes, so a
  tampered file cannot name an arbitrary callable; an unreadable file is no cache.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import tempfile
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from revalign.core.events import Event, EventType
from revalign.ledger.sql import SqlLedger
from revalign.ledger.tables import events as events_table

SAVE_EVERY = 1000  # new events before a stored state is rewritten (a tail this short is ms)

_ALWAYS = {
    "revalign.analytics.fold_cache": {"Stored"},
    "decimal": {"Decimal"},
    "builtins": {"set", "frozenset"},
}
Allowed = Mapping[str, set[str]]


@dataclass
class Stored:
    version: str
    seq: int
    fingerprint: str  # of the ledger's events up to `seq` (see `fingerprint`)
    state: Any


def code_hash(label: str, sources: Sequence[tuple[str, str]]) -> str:
    """A hash of a format label and of the named source files (package, file name)."""
    digest = hashlib.sha256(label.encode())
    for package, name in (("revalign.analytics", "fold_cache.py"), *sources):
        digest.update(resources.files(package).joinpath(name).read_bytes())
    return digest.hexdigest()[:32]


class _Unpickler(pickle.Unpickler):
    def __init__(self, data: bytes, allowed: Allowed) -> None:
        super().__init__(io.BytesIO(data))
        self.allowed = allowed

    def find_class(self, module: str, name: str) -> Any:
        if name in _ALWAYS.get(module, ()) or name in self.allowed.get(module, ()):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"analytics cache names {module}.{name}, not allowed")


def cache_dir() -> Path | None:
    """The directory of the analytics caches, or None when they are turned off."""
    if os.environ.get("REVALIGN_FRAMES_CACHE", "").lower() in ("0", "off", "no", "false"):
        return None
    root = os.environ.get("REVALIGN_CACHE_DIR")
    if root:
        return Path(root) / "frames"
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "revalign" / "frames"


def _ledger_key(ledger: SqlLedger) -> str | None:
    url = ledger.engine.url
    if url.get_backend_name() != "sqlite":
        return hashlib.sha256(ledger.url.encode()).hexdigest()[:24]
    if url.database in (None, "", ":memory:"):
        return None
    resolved = "sqlite:" + str(Path(str(url.database)).resolve())  # any spelling of the path
    return hashlib.sha256(resolved.encode()).hexdigest()[:24]


def cache_path(ledger: SqlLedger, kind: str) -> Path | None:
    """The cache file of this ledger and kind, or None (off, or an in-memory database)."""
    directory, key = cache_dir(), _ledger_key(ledger)
    return None if directory is None or key is None else directory / f"{key}.{kind}.pickle"


def forget(ledger: SqlLedger) -> None:
    """Delete every analytics cache of this ledger (rebuild, erasure)."""
    directory, key = cache_dir(), _ledger_key(ledger)
    if directory is not None and key is not None and directory.is_dir():
        for path in directory.glob(f"{key}.*.pickle"):
            path.unlink(missing_ok=True)


def read(path: Path | None, version: str, allowed: Allowed) -> Stored | None:
    """The stored state of `version`, or None (missing, unreadable, foreign, other code)."""
    if path is None:
        return None
    try:
        stored = _Unpickler(zlib.decompress(path.read_bytes()), allowed).load()
    except (OSError, pickle.UnpicklingError, zlib.error, EOFError, AttributeError, TypeError,
            ValueError, ImportError):  # fmt: skip
        return None
    if not isinstance(stored, Stored) or stored.version != version:
        return None
    return stored


def write(path: Path, stored: Stored) -> None:
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


def still_valid(ledger: SqlLedger, stored: Stored) -> bool:
    """Whether the ledger is still the one `stored` was folded from."""
    return bool(stored.fingerprint) and fingerprint(ledger, stored.seq) == stored.fingerprint


def erased(tail: Sequence[Event]) -> bool:
    """Whether the tail erases a person: the past was redacted in place, fold from zero."""
    return any(e.type is EventType.PERSON_ERASED for e in tail)


def save(ledger: SqlLedger, path: Path | None, stored: Stored | None, version: str,
         last: Event | None, folded: int, state: Any) -> None:  # fmt: skip
    """Store `state` as of `last` when it was folded from zero or the tail was long."""
    if path is None or last is None or last.seq is None:
        return
    if stored is None or folded >= SAVE_EVERY:
        write(path, Stored(version, last.seq, fingerprint(ledger, last.seq), state))
