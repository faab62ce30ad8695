"""The append-only event ledger: storage, migrations, idempotent append, projections.

from revalign.ledger import open_ledger
ledger = open_ledger("sqlite:///revalign.db")   # or postgresql+psycopg://...
ledger = open_ledger(url, create=False)         # readers: an existing ledger, never created
ledger.append(events)                          # -> number of new events
for event in ledger.read(after_seq=0): ...
"""

from revalign.ledger.base import Ledger
from revalign.ledger.connect import DEFAULT_URL, open_ledger
from revalign.ledger.sql import LedgerWriter, SqlLedger

__all__ = ["DEFAULT_URL", "Ledger", "LedgerWriter", "SqlLedger", "open_ledger"]
