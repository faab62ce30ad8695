"""Engine snapshots: the folded FunnelState at a checkpoint, so a start folds only the tail.

A snapshot is a cache, never a fact: `rebuild` ignores and deletes them, erasure deletes
them, and one is used only when its key matches exactly:

- `fold_version()`: a hash of the code that folds (every `revalign.core` module and the
  event codec) and of the format, so any change to the fold invalidates old snapshots;
- the contract version the engine runs under (the fold reads no contract today; keyed
  anyway so a contract change can never be served a state another contract produced);
- `seq`: the engine checkpoint the state reflects (the start folds `seq < s <= checkpoint`).

Format "pickle5+zlib1": `pickle` protocol 5 compressed with zlib level 1. Pickle because it
keeps shared objects shared (an undo image is the same LeadState as the lead) and round-trips
every state type exactly; it is read with an allow-list of classes, so a tampered row cannot
name an arbitrary callable. ~8 MB and ~1 s to load for the 20,000-lead demo (README).
"""

from __future__ import annotations

import hashlib
import io
import pickle
import zlib
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from typing import Any

import sqlalchemy as sa

from revalign.core.state import FunnelState
from revalign.ledger import bulk
from revalign.ledger.codec import stored_time

FORMAT = "pickle5+zlib1"
KEEP = 4  # snapshot rows kept in all (the newest of each key first)

# Classes a snapshot may contain; anything else is refused (see `_Unpickler`).
_ALLOWED = {
    "datetime": {"datetime", "date", "timezone", "timedelta"},
    "decimal": {"Decimal"},
    "builtins": {"set", "frozenset"},
}


@cache
def fold_version() -> str:
    """A hash of the folding code: `revalign.core` sources, the codec and the format."""
    digest = hashlib.sha256(FORMAT.encode())
    core = resources.files("revalign.core")
    for name in sorted(p.name for p in core.iterdir() if p.name.endswith(".py")):
        digest.update(name.encode())
        digest.update(core.joinpath(name).read_bytes())
    digest.update(resources.files("revalign.ledger").joinpath("codec.py").read_bytes())
    return digest.hexdigest()[:32]


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if module.startswith("revalign.core.") or name in _ALLOWED.get(module, ()):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"snapshot names {module}.{name}, which is not allowed")


def encode(state: FunnelState) -> bytes:
    return zlib.compress(pickle.dumps(state, protocol=5), 1)


def decode(data: bytes) -> FunnelState:
    state = _Unpickler(io.BytesIO(zlib.decompress(data))).load()
    if not isinstance(state, FunnelState):
        raise pickle.UnpicklingError("a snapshot holds no FunnelState")
    return state


def load(
    conn: sa.Connection, contract_version: str, until_seq: int
) -> tuple[FunnelState, int] | None:
    """The newest usable snapshot at or before checkpoint `until_seq` and its checkpoint,
    or None. An unreadable snapshot is skipped (fold from zero), never fatal."""
    rows = bulk.fetch(
        conn,
        "SELECT seq, data FROM snapshots WHERE fold_version = ? AND contract_version = ? "
        "AND format = ? AND seq <= ? ORDER BY seq DESC LIMIT 1",
        (fold_version(), contract_version, FORMAT, until_seq),
    )
    if not rows:
        return None
    seq, data = rows[0]
    try:
        state = decode(bytes(data))
    except (pickle.UnpicklingError, zlib.error, EOFError, AttributeError, TypeError):
        return None  # written by other code under the same key: fold from zero instead
    return state, int(seq)


def save(conn: sa.Connection, state: FunnelState, contract_version: str, seq: int) -> int:
    """Store `state` as of checkpoint `seq`; drop older ones of the same key. Bytes written."""
    data = encode(state)
    key = (fold_version(), contract_version)
    bulk.execute(
        conn,
        "DELETE FROM snapshots WHERE fold_version = ? AND contract_version = ? AND seq <= ?",
        (*key, seq),
    )
    now = stored_time(datetime.now(UTC), conn.dialect.name)
    bulk.execute(
        conn,
        "INSERT INTO snapshots (seq, fold_version, contract_version, format, created_at, data) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (seq, *key, FORMAT, now, data),
    )
    keep = bulk.fetch(conn, "SELECT id FROM snapshots ORDER BY id DESC LIMIT ?", (KEEP,))
    if len(keep) == KEEP:
        bulk.execute(conn, "DELETE FROM snapshots WHERE id < ?", (min(r[0] for r in keep),))
    return len(data)


def drop_all(conn: sa.Connection) -> None:
    """Forget every snapshot (rebuild, erasure: the folded past changed or must go)."""
    bulk.execute(conn, "DELETE FROM snapshots", ())
