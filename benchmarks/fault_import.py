"""Fault tests with figures: kill -9 during a big import, re-import, a file of bad rows.

    python benchmarks/fault_import.py                       # 1,000,000 events, 20 kills, SQLite
    python benchmarks/fault_import.py --events 100000       # smaller
    python benchmarks/fault_import.py --pg                  # the same on PostgreSQL
    python benchmarks/fault_import.py --only bad-rows       # just the 10,000-row file

1. **kill -9**: a leads file and a touches file (1 lead per 19 touches; `--events` source
   events in all) are imported by a child process (`revalign ingest`'s code path:
   `ingest_file` with the engine lookup). The child is killed with SIGKILL at `--kills`
   random moments (after a random number of committed batches, plus a random delay), and
   restarted each time; then it runs to the end. The ledger is then compared with a clean
   run into a fresh database: events lost (source keys missing), duplicated (a key twice),
   and whether every event (seq, type, key, time, payload, cause) and every projection
   table is identical.
2. **the same import twice**: the finished import run again: new events and ledger growth.
3. **bad rows**: a leads file of 10,000 rows of which 1,000 are bad in 20 different ways
   (`BAD_WAYS`): every bad row must be in the rejects file with its row number and the
   expected reason, and every good row must be stored.

A fixed `now` and engine clock make derived events reproducible. Prints one figure per line.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from revalign.connectors.csv_ingest import IngestReport, ingest_file
from revalign.connectors.state_lookup import EngineLookup
from revalign.contract.loader import default_contract
from revalign.engine import open_engine
from revalign.ledger import tables

PG_URL = os.environ.get("REVALIGN_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
NOW = datetime(2026, 11, 30, 23, 0, tzinfo=UTC)
T0 = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
TOUCH_KINDS = ("page_view", "content_download", "webinar", "email_open", "email_click")
TITLES = ("Marketing Manager", "VP Sales", "Director of IT", "Analyst", "Head of Growth", "CEO")
LEAD_COLUMNS = ("email", "first_name", "title", "company", "employees", "country", "source",
                "campaign", "created_at", "updated_at")  # fmt: skip


# -- files ----------------------------------------------------------------------------------


def _created(i: int) -> datetime:
    """Spread over 150 days after T0, so every fact lies before NOW."""
    return T0 + timedelta(seconds=(i * 97) % (150 * 86400))


def _lead(i: int) -> dict[str, str]:
    return {
        "email": f"p{i}@company{i % 997}.example.com",
        "first_name": f"P{i}",
        "title": TITLES[i % len(TITLES)],
        "company": f"Company {i % 997}",
        "employees": str(20 + (i * 37) % 900),
        "country": ("ID", "SG", "US", "MY")[i % 4],
        "source": ("paid_search", "organic", "events", "partner")[i % 4],
        "campaign": f"c{i % 12}",
        "created_at": _created(i).isoformat(),
        "updated_at": "",
    }


def write_import(folder: Path, events: int) -> tuple[Path, Path, int]:
    """leads.csv and touches.csv with `events` rows in all; returns the paths and lead count."""
    n_leads = max(1, events // 20)
    leads, touches = folder / "leads.csv", folder / "touches.csv"
    with leads.open("w", newline="", encoding="utf-8") as handle:
        out = csv.DictWriter(handle, LEAD_COLUMNS)
        out.writeheader()
        out.writerows(_lead(i) for i in range(n_leads))
    with touches.open("w", newline="", encoding="utf-8") as handle:
        w = csv.writer(handle)
        w.writerow(["email", "occurred_at", "kind", "channel", "campaign"])
        for j in range(events - n_leads):
            i = (j * 7919) % n_leads
            at = _created(i) + timedelta(minutes=10, seconds=j)  # unique: one key per row
            w.writerow([f"p{i}@company{i % 997}.example.com", at.isoformat(),
                        TOUCH_KINDS[j % len(TOUCH_KINDS)], "email", f"c{i % 12}"])  # fmt: skip
    return leads, touches, n_leads


# The 20 ways a lead row is bad, with (a part of) the reason the rejects file must give.
BAD_WAYS: tuple[tuple[str, Callable[[dict[str, str]], None], str], ...] = (
    ("no @", lambda r: r.update(email="ana.tokoku.co.id"), "invalid email"),
    ("double dot", lambda r: r.update(email="a..b@x.example.com"), "invalid email"),
    ("space", lambda r: r.update(email="ana @x.example.com"), "invalid email"),
    ("no tld", lambda r: r.update(email="ana@localhost"), "invalid email"),
    ("bad char", lambda r: r.update(email="ana<x>@x.example.com"), "invalid email"),
    ("blank email", lambda r: r.update(email=""), "missing email"),
    ("blank created", lambda r: r.update(created_at=""), "missing created_at"),
    ("day first", lambda r: r.update(created_at="03/06/2026"), "unparseable created_at"),
    ("words", lambda r: r.update(created_at="yesterday"), "unparseable created_at"),
    ("month 13", lambda r: r.update(created_at="2026-13-01"), "unparseable created_at"),
    ("far future", lambda r: r.update(created_at="2099-01-01"), "in the future"),
    ("3 days ahead", lambda r: r.update(created_at=(NOW + timedelta(days=3)).isoformat()),
     "in the future"),
    ("bad updated", lambda r: r.update(updated_at="31-12-2026"), "unparseable updated_at"),
    ("bad zone", lambda r: r.update(created_at="2026-06-01T10:00:00+25:00"),
     "unparseable created_at"),
    ("negative employees", lambda r: r.update(employees="-5"), "employees must be"),
    ("fractional employees", lambda r: r.update(employees="12.5"), "employees must be"),
    ("words employees", lambda r: r.update(employees="many"), "unparseable employees"),
    ("NaN employees", lambda r: r.update(employees="NaN"), "employees must be"),
    ("extra cells", lambda r: r.update(__extra__="x"), "more cells than the header"),
    ("latin-1 byte", lambda r: r.update(company="Caf\udce9 Ltd"), "not valid UTF-8"),
)  # fmt: skip


def write_bad_rows(path: Path, rows: int = 10_000, bad: int = 1_000) -> dict[int, str]:
    """A leads file of `rows` rows, `bad` of them bad (each way equally often, spread out).
    Returns row number -> the expected reason fragment."""
    expected: dict[int, str] = {}
    step = rows // bad
    with path.open("w", newline="", encoding="utf-8", errors="surrogateescape") as handle:
        out = csv.writer(handle)
        out.writerow(LEAD_COLUMNS)
        for i in range(rows):
            row = _lead(1_000_000 + i)
            if i % step == step - 1 and len(expected) < bad:
                _, spoil, reason = BAD_WAYS[len(expected) % len(BAD_WAYS)]
                spoil(row)
                expected[i + 2] = reason  # the header is row 1
            extra = row.pop("__extra__", None)
            out.writerow([row[c] for c in LEAD_COLUMNS] + ([extra] if extra else []))
    return expected


# -- importing ------------------------------------------------------------------------------


def import_files(
    url: str, files: list[tuple[Path, str]], batch: int, on_batch: Callable[[], None] | None
) -> list[IngestReport]:
    """What `revalign ingest` does for each file, with a fixed now and engine clock."""
    contract = default_contract()
    reports = []
    with open_engine(url, contract, clock=lambda: NOW) as engine:
        for path, kind in files:
            reports.append(
                ingest_file(
                    path, kind, engine, contract, lookup=EngineLookup(engine), now=NOW,
                    batch_size=batch, progress=(lambda d, t: on_batch()) if on_batch else None,
                    rejects_path=path.with_suffix(".rejects.csv"),
                )
            )  # fmt: skip
    return reports


def _child(args: argparse.Namespace) -> None:
    folder = Path(args.dir)

    def tell() -> None:
        print("batch", flush=True)

    import_files(args.db, [(folder / "leads.csv", "leads"), (folder / "touches.csv", "touches")],
                 args.batch, tell)  # fmt: skip
    print("done", flush=True)


def child_command(url: str, folder: Path, batch: int) -> list[str]:
    here = str(Path(__file__).resolve())
    return [sys.executable, here, "child", "--db", url, "--dir", str(folder), "--batch", str(batch)]


def killed_import(
    url: str,
    folder: Path,
    batch: int,
    kills: int,
    total_batches: int,
    rng: random.Random,
    max_delay: float = 0.0,
) -> int:
    """Run the child, SIGKILL it `kills` times at random moments, then let it finish.
    Returns how many kills hit a running import (the rest found it already done)."""
    marks = sorted(rng.randint(1, max(1, total_batches)) for _ in range(kills))
    landed = 0
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    for mark in marks:
        proc = subprocess.Popen(
            child_command(url, folder, batch), stdout=subprocess.PIPE, text=True, env=env
        )
        assert proc.stdout is not None
        seen = 0
        for line in proc.stdout:
            seen += line.startswith("batch")
            if seen >= mark or line.startswith("done"):
                break
        if max_delay:
            time.sleep(rng.uniform(0, max_delay))  # benchmark only: land inside a batch
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            landed += 1
        proc.wait()
        proc.stdout.close()
    final = subprocess.run(
        child_command(url, folder, batch), capture_output=True, text=True, env=env, check=False
    )
    if final.returncode != 0:
        raise RuntimeError(f"the resumed import failed: {final.stderr[-2000:]}")
    return landed


# -- comparing ------------------------------------------------------------------------------


@dataclass(frozen=True)
class LedgerFacts:
    source_keys: int  # distinct (source, source_id) of the files' own events
    source_rows: int  # rows of the files' own events (more than keys = duplicated)
    events: int
    digest: str  # every event but its recorded_at, and every projection table


def ledger_facts(url: str) -> LedgerFacts:
    engine = sa.create_engine(url)
    ev = tables.events
    try:
        with engine.connect() as conn:
            own = ev.c.source.like("file:%")
            keys = conn.execute(
                sa.select(sa.func.count()).select_from(
                    sa.select(ev.c.source, ev.c.source_id).where(own).distinct().subquery()
                )
            ).scalar_one()
            rows = conn.execute(sa.select(sa.func.count()).where(own)).scalar_one()
            h = hashlib.sha256()
            cols = [c for c in ev.c if c.name != "recorded_at"]
            count = 0
            for r in conn.execute(sa.select(*cols).order_by(ev.c.seq)):
                h.update(repr(tuple(r)).encode())
                count += 1
            for table in tables.metadata.sorted_tables:
                if table.name in ("events", "checkpoints", "alembic_version", "snapshots"):
                    continue
                order = list(table.primary_key.columns) or list(table.c)
                for r in conn.execute(sa.select(table).order_by(*order)):
                    h.update(repr((table.name, *r)).encode())
    finally:
        engine.dispose()
    return LedgerFacts(keys, rows, count, h.hexdigest())


def check_rejects(rejects: Path, expected: dict[int, str]) -> tuple[int, int]:
    """(bad rows missing from the rejects file or with another reason, unexpected lines)."""
    with rejects.open(encoding="utf-8", errors="surrogateescape", newline="") as handle:
        found = {int(r["row"]): r["reason"] for r in csv.DictReader(handle)}
    wrong = sum(1 for n, why in expected.items() if why not in found.get(n, ""))
    return wrong, len(set(found) - set(expected))


def stored_good_rows(url: str, path: Path, expected: dict[int, str]) -> tuple[int, int]:
    """(good rows in the file, good rows whose lead is in the ledger)."""
    from revalign.connectors.identity import lead_id_for

    with path.open(encoding="utf-8", errors="surrogateescape", newline="") as handle:
        good = [r["email"] for n, r in enumerate(csv.DictReader(handle), 2) if n not in expected]
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            ids = set(conn.execute(sa.select(tables.leads.c.lead_id)).scalars())
    finally:
        engine.dispose()
    return len(good), sum(1 for e in good if lead_id_for(e) in ids)


# -- databases ------------------------------------------------------------------------------


class Databases:
    """Fresh ledgers: SQLite files in a folder, or PostgreSQL schemas (dropped at the end)."""

    def __init__(self, folder: Path, pg: str | None) -> None:
        self.folder, self.pg = folder, pg
        self.schemas: list[str] = []

    def new(self, name: str) -> str:
        if self.pg is None:
            return f"sqlite:///{self.folder / (name + '.db')}"
        schema = f"fault_ingest_{name}_{uuid.uuid4().hex[:8]}"
        engine = sa.create_engine(self.pg)
        with engine.begin() as conn:
            conn.execute(sa.text(f'create schema "{schema}"'))
        engine.dispose()
        self.schemas.append(schema)
        sep = "&" if "?" in self.pg else "?"
        return f"{self.pg}{sep}options=-csearch_path%3D{schema}"

    def drop(self) -> None:
        if self.pg is None or not self.schemas:
            return
        engine = sa.create_engine(self.pg)
        with engine.begin() as conn:
            for schema in self.schemas:
                conn.execute(sa.text(f'drop schema if exists "{schema}" cascade'))
        engine.dispose()


# -- the runs -------------------------------------------------------------------------------


def run_kills(dbs: Databases, folder: Path, args: argparse.Namespace) -> Iterator[str]:
    leads, touches, n_leads = write_import(folder, args.events)
    files = [(leads, "leads"), (touches, "touches")]
    total_batches = -(-n_leads // args.batch) + -(-(args.events - n_leads) // args.batch)
    clean_url, killed_url = dbs.new("clean"), dbs.new("killed")
    t = time.perf_counter()
    import_files(clean_url, files, args.batch, None)
    clean_s = time.perf_counter() - t
    clean = ledger_facts(clean_url)
    yield f"clean import: {args.events:,} source events ({n_leads:,} leads) in {clean_s:.1f} s"
    yield f"  ledger events (with derived): {clean.events:,}"
    rng = random.Random(args.seed)
    t = time.perf_counter()
    delay = clean_s / max(1, total_batches)
    landed = killed_import(killed_url, folder, args.batch, args.kills, total_batches, rng, delay)
    killed_s = time.perf_counter() - t
    after = ledger_facts(killed_url)
    yield f"kill -9 x{args.kills} ({landed} landed mid-import), resumed: {killed_s:.1f} s"
    yield f"  events lost: {args.events - after.source_keys}"
    yield f"  events duplicated: {after.source_rows - after.source_keys}"
    yield f"  ledger events: {after.events:,}; equal to the clean run: {after == clean}"
    t = time.perf_counter()
    again = import_files(killed_url, files, args.batch, None)
    again_s = time.perf_counter() - t
    new = sum(r.new_events for r in again)
    changed = ledger_facts(killed_url) != after
    yield (
        f"same import twice: {new} new events, ledger changed: {changed} "
        f"({sum(r.duplicates for r in again):,} already known, "
        f"{sum(r.unchanged for r in again):,} unchanged rows) in {again_s:.1f} s"
    )


def run_bad_rows(dbs: Databases, folder: Path, args: argparse.Namespace) -> Iterator[str]:
    path = folder / "bad_leads.csv"
    expected = write_bad_rows(path, args.rows, args.bad)
    url = dbs.new("badrows")
    t = time.perf_counter()
    (report,) = import_files(url, [(path, "leads")], 5000, None)
    took = time.perf_counter() - t
    assert report.rejects_file is not None
    wrong, unexpected = check_rejects(Path(report.rejects_file), expected)
    good, stored = stored_good_rows(url, path, expected)
    yield (
        f"bad rows: {args.rows:,} rows, {len(expected):,} bad in {len(BAD_WAYS)} ways: "
        f"{report.rejected:,} rejected, {report.accepted:,} accepted in {took:.1f} s"
    )
    yield f"  bad rows missing from the rejects file or with another reason: {wrong}"
    yield f"  rejects lines for good rows: {unexpected}"
    yield f"  good rows stored: {stored:,} of {good:,}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command")
    child = sub.add_parser("child")
    child.add_argument("--db", required=True)
    child.add_argument("--dir", required=True)
    child.add_argument("--batch", type=int, default=5000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--batch", type=int, default=5000)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--bad", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--pg", action="store_true", help="PostgreSQL (REVALIGN_TEST_PG_URL)")
    parser.add_argument("--only", choices=("kills", "bad-rows"))
    args = parser.parse_args()
    if args.command == "child":
        _child(args)
        return
    backend = "PostgreSQL" if args.pg else "SQLite"
    print(f"fault_import on {backend}: --events {args.events} --kills {args.kills}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        dbs = Databases(Path(tmp), PG_URL if args.pg else None)
        try:
            runs: list[Callable[..., Iterator[str]]] = []
            if args.only in (None, "bad-rows"):
                runs.append(run_bad_rows)
            if args.only in (None, "kills"):
                runs.append(run_kills)
            for run in runs:
                for line in run(dbs, Path(tmp), args):
                    print(line, flush=True)
        finally:
            dbs.drop()


if __name__ == "__main__":
    main()
