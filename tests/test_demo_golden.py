"""The demo ledger, bit for bit: performance work must not change one stored event or row.

`tests/snapshots/demo_300.json` holds the 300-lead demo's event count per type and SHA-256
digests of every stored event (all columns but recorded_at, the wall clock) and of every
projection row, as the code before the performance work wrote them. A change that is meant
to alter the ledger rewrites it: `REVALIGN_UPDATE_SNAPSHOTS=1 pytest tests/test_demo_golden.py`
(and the diff of the JSON file is reviewed like code).
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections import Counter
from contextlib import closing
from pathlib import Path
from typing import Any

from revalign.cli.app import run

SNAPSHOT = Path(__file__).parent / "snapshots" / "demo_300.json"
EVENT_COLUMNS = (
    "seq, id, type, source, source_id, occurred_at, lead_id, account_id, opportunity_id, "
    "payload, contract_version, caused_by"
)
PROJECTIONS = ("leads", "accounts", "opportunities", "owners", "clocks")


def _figures(db: Path) -> dict[str, Any]:
    with closing(sqlite3.connect(db)) as conn:
        events = hashlib.sha256()
        types: Counter[str] = Counter()
        for row in conn.execute(f"SELECT {EVENT_COLUMNS} FROM events ORDER BY seq"):
            events.update(repr(row).encode())
            types[row[2]] += 1
        projections = hashlib.sha256()
        for table in PROJECTIONS:
            for row in conn.execute(f"SELECT * FROM {table} ORDER BY 1"):
                projections.update(repr(row).encode())
    return {
        "events": sum(types.values()),
        "by_type": dict(sorted(types.items())),
        "events_sha256": events.hexdigest(),
        "projections_sha256": projections.hexdigest(),
    }


def test_the_demo_ledger_is_unchanged(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    assert run(["demo", "--leads", "300", "--db", f"sqlite:///{db}", "--json"]) == 0
    figures = _figures(db)
    if os.environ.get("REVALIGN_UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.write_text(json.dumps(figures, indent=2) + "\n", "utf-8")
    assert figures == json.loads(SNAPSHOT.read_text("utf-8"))
