"""The one `Runtime` a served app holds: the engine, the write lock, the users, the contract.

The engine's state loads in the background when the server starts (`warm`), holding `lock`.
Writes from API requests are serialized by `lock` inside the process (the engine and its
in-memory state are not thread-safe); across processes the ledger's own write lock (SQLite
BEGIN IMMEDIATE, PostgreSQL LOCK TABLE) orders them, and the engine decides what another
process appended before its own facts, so no event is lost or reordered.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from revalign.analytics.frames import Frames, load_frames
from revalign.auth.users import UserStore
from revalign.contract.loader import default_contract, load_contract
from revalign.contract.schema import VersionedContract
from revalign.engine import Engine, open_engine
from revalign.ledger import SqlLedger

T = TypeVar("T")
_log = logging.getLogger(__name__)


@dataclass
class Runtime:
    """Shared by every request of one app (reach it as `app.state.runtime`)."""

    engine: Engine
    users: UserStore
    contract_path: Path | None
    lock: threading.RLock = field(default_factory=threading.RLock)
    _frames: tuple[int, Frames] | None = None
    _memo: dict[tuple[object, ...], tuple[int, object]] = field(default_factory=dict)
    _memo_lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def open(cls, db_url: str, contract_path: Path | None = None) -> Runtime:
        contract = load_contract(contract_path) if contract_path else default_contract()
        engine = open_engine(db_url, contract)
        return cls(engine=engine, users=UserStore(engine.ledger.engine),
                   contract_path=contract_path)  # fmt: skip

    def warm(self) -> None:
        """Load the engine's state (snapshot + tail: seconds at 100,000 leads) in a thread
        holding the lock, so the server answers at once: pages, logins and reads that need
        no engine right away, every engine call (`locked`) as soon as the state is in.
        Without it the first engine call loads the state."""
        holding = threading.Event()

        def load() -> None:
            with self.lock:
                holding.set()
                try:
                    _ = self.engine.state
                except Exception:  # the first request that needs the state meets it again
                    _log.exception("loading the engine state failed")

        threading.Thread(target=load, name="revalign-warm", daemon=True).start()
        holding.wait()  # no request takes the lock before the warm-up does

    @property
    def ledger(self) -> SqlLedger:
        return self.engine.ledger

    @property
    def contract(self) -> VersionedContract:
        return self.engine.contract

    def locked(self, verb: Callable[[Engine], T]) -> T:
        """Run `verb` on the engine under the write lock (reads of its state too)."""
        with self.lock:
            return verb(self.engine)

    def set_contract(self, contract: VersionedContract) -> None:
        with self.lock:
            self.engine.contract = contract

    def frames(self) -> Frames:
        """The analytics frames of the ledger, reloaded only when the ledger has grown."""
        seq = self.ledger.last_seq()
        cached = self._frames
        if cached is not None and cached[0] == seq:
            return cached[1]
        frames = load_frames(self.ledger)
        self._frames = (seq, frames)
        return frames

    def memo(self, key: tuple[object, ...], compute: Callable[[], T]) -> T:
        """`compute()` once per ledger sequence and key (analytics answers): concurrent
        identical requests wait for the one computation instead of each running it."""
        with self._memo_lock:
            seq = self.ledger.last_seq()
            hit = self._memo.get(key)
            if hit is not None and hit[0] == seq:
                return hit[1]  # type: ignore[return-value]
            value = compute()
            if len(self._memo) >= 256:  # bounded: forget everything, recompute on demand
                self._memo.clear()
            self._memo[key] = (seq, value)
            return value

    def close(self) -> None:
        with self.lock:  # after the warm-up and any write in flight
            self.engine.close()
