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
- the ledger is still the one it folded (`fold_cache.fingerprint`);
- no event after S is a `person.erased` (the past was redacted in place) and no refusal after
  S names a fact at or before S (that fact was already counted): either means a full read.

`person erase` and `rebuild` delete the file (`forget`). The frames read no contract (its
version is an event field like any other), so the contract is not part of the key.

Where it lives, the ledger fingerprint and the file format: `analytics/fold_cache.py`.
On PostgreSQL it is the same local file per machine: appends are serialized by the
ledger's write lock, so seqs become visible in order and "after S" never skips an event
committed later with a smaller seq.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache

from revalign.analytics import fold_cache
from revalign.analytics.frames import Frames, _Builder
from revalign.analytics.refusals import refused_in, refused_in_ledger
from revalign.core.events import Event
from revalign.ledger.sql import SqlLedger

KIND = "frames"
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
    "array": {"array", "_array_reconstructor"},
}


@cache
def fold_version() -> str:
    """A hash of the code the frames fold runs and of the stored format."""
    return fold_cache.code_hash("frames-pickle5+zlib1", _SOURCES)


def _tail_folds_on(builder: _Builder, tail: Sequence[Event]) -> bool:
    """Whether the stored state plus `tail` is what a full read gives (see the module doc)."""
    if fold_cache.erased(tail):
        return False
    ids = {e.id for e in tail}
    return all(r in ids or r in builder.refused for r in refused_in(tail))


def _full(ledger: SqlLedger) -> tuple[_Builder, Iterable[Event]]:
    """A new builder and the events to fold into it: up to the seq that was last before the
    refusals were read, so a refusal appended meanwhile is either known or seen in a tail."""
    top = ledger.last_seq()
    return _Builder(refused_in_ledger(ledger)), ledger.read(after_seq=0, until_seq=top)


def load(ledger: SqlLedger) -> Frames:
    """The frames of the whole ledger, folding only what the cached state has not seen."""
    path = fold_cache.cache_path(ledger, KIND)
    stored = fold_cache.read(path, fold_version(), _ALLOWED)
    if stored is not None and not (
        isinstance(stored.state, _Builder) and fold_cache.still_valid(ledger, stored)
    ):
        stored = None
    tail = list(ledger.read(after_seq=stored.seq)) if stored is not None else []
    events: Iterable[Event]
    builder: _Builder
    if stored is not None and _tail_folds_on(stored.state, tail):
        builder, events = stored.state, tail
        builder.refused = set(builder.refused) | refused_in(tail)
    else:
        stored = None
        builder, events = _full(ledger)
    last, folded = None, 0
    for event in events:
        builder.apply(event)
        last, folded = event, folded + 1
    fold_cache.save(ledger, path, stored, fold_version(), last, folded, builder)
    return builder.frames()  # after the save: the frames may share the builder's buffers
