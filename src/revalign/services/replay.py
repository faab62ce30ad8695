"""Replay: a dry run of the recorded history under another contract, in memory."""

from __future__ import annotations

from datetime import datetime

from revalign.auth.caller import Caller
from revalign.auth.permissions import Action, require
from revalign.contract.loader import parse_contract
from revalign.contract.schema import VersionedContract
from revalign.core.events import SOURCE_ENGINE
from revalign.ledger import SqlLedger
from revalign.services.views import ReportView


def replay(ledger: SqlLedger, recorded: VersionedContract, other_text: str, caller: Caller,
           as_of: datetime | None = None) -> ReportView:  # fmt: skip
    """Recorded vs replayed metrics and their difference; nothing is written."""
    from revalign.replay import replay_sources

    require(caller, Action.REPLAY_RUN)
    other = parse_contract(other_text, "<replay>")
    sources = [e for e in ledger.read() if e.source != SOURCE_ENGINE]
    return ReportView(kind="replay", report=replay_sources(sources, recorded, other, as_of))
