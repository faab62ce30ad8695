"""Start-up of CLI commands on a demo ledger: snapshots and lazy imports, against references.

.venv/bin/python benchmarks/bench_startup.py --db /tmp/d20k.db          # an existing demo
.venv/bin/python benchmarks/bench_startup.py                # builds a 2,000-lead demo first
.venv/bin/python benchmarks/bench_startup.py --full         # builds a 20,000-lead demo first

Each figure is the best wall time of `--repeat` runs of the real `revalign` command in a new
process (start-up included), with its CPU time (user + sys of the child). References:
`--help` against importing every command module (what the CLI did before lazy commands);
`lead show` / `lead accept` against the same command with no snapshot (a full fold from seq
0, what every command did before snapshots). Printed as ratios.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path

PY = sys.executable
CLI = [PY, "-c", "from revalign.cli import main; main()"]
ALL = [PY, "-c", "import revalign.cli as c; c.import_all(); c.app(['--help'])"]
# `lead show` through the folded state, as every command read before (snapshot=False: a
# full fold from seq 0), or from the newest snapshot + the tail
_SHOW_STATE = """
import sys
from revalign import services
from revalign.auth.caller import LOCAL_ADMIN
from revalign.cli.common import resolve_contract
from revalign.engine import Engine
from revalign.ledger import open_ledger
engine = Engine(open_ledger(sys.argv[1], create=False), resolve_contract(None),
                snapshot=sys.argv[3] == "snapshot")
engine.state  # loaded first, so lead_show answers from the state
print(services.lead_show(engine, LOCAL_ADMIN, sys.argv[2]))
engine.ledger.close()
"""
_SNAPSHOT = """
import sys
from revalign.cli.common import resolve_contract
from revalign.engine import open_engine
engine = open_engine(sys.argv[1], resolve_contract(None))
engine.state
engine.close()  # writes a snapshot when the ledger has none
"""


def timed(cmd: list[str], repeat: int) -> tuple[float, float]:
    """Best (wall, CPU) seconds over `repeat` runs; a failing command stops the benchmark."""
    best = (float("inf"), float("inf"))
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode != 0:
            sys.exit(f"{' '.join(cmd[3:])} failed: {done.stderr.strip()[-500:]}")
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        best = min(best, (wall, cpu))
    return best


def drop_snapshots(db: Path) -> None:
    with closing(sqlite3.connect(db)) as conn:
        conn.execute("DELETE FROM snapshots")
        conn.commit()


def mqls(db: Path, n: int) -> list[str]:
    with closing(sqlite3.connect(db)) as conn:
        rows = conn.execute("SELECT lead_id FROM leads WHERE stage = 'mql' LIMIT ?", (n,))
        return [r[0] for r in rows]


def line(name: str, new: tuple[float, float], ref: tuple[float, float] | None) -> None:
    ratio = f"{ref[0] / new[0]:5.1f}x wall, {ref[1] / new[1]:5.1f}x CPU faster" if ref else ""
    print(f"{name:<34} {new[0]:7.2f} s wall  {new[1]:6.2f} s CPU  {ratio}")
    if ref:
        print(f"{'  reference':<34} {ref[0]:7.2f} s wall  {ref[1]:6.2f} s CPU")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, help="an existing demo ledger (SQLite file)")
    parser.add_argument("--leads", type=int, default=2000, help="demo size when --db is absent")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--full", action="store_true", help="a 20,000-lead demo (no --db)")
    args = parser.parse_args()
    if args.full:
        args.leads = 20_000
    folder = tempfile.mkdtemp()
    db = args.db or Path(folder) / "demo.db"
    url = f"sqlite:///{db}"
    if args.db is None:
        wall, _cpu = timed([*CLI, "demo", "--leads", str(args.leads), "--db", url, "--json"], 1)
        print(f"demo --leads {args.leads:,}: {wall:.1f} s")
    subprocess.run([*CLI, "migrate", "--db", url], capture_output=True, check=True)
    with closing(sqlite3.connect(db)) as conn:
        events = conn.execute("SELECT count(*) FROM events").fetchone()[0]
    print(f"ledger {db}: {events:,} events; load {os.getloadavg()[0]:.1f}")
    contract = Path(folder) / "revalign.yaml"
    subprocess.run([*CLI, "init", folder], capture_output=True, check=True)

    line("revalign --help", timed([*CLI, "--help"], args.repeat), timed(ALL, args.repeat))
    validate = [*CLI, "contract", "validate", str(contract)]
    line("revalign contract validate", timed(validate, args.repeat), None)
    lead = mqls(db, 1)[0]
    show = [*CLI, "lead", "show", lead, "--db", url]
    subprocess.run([PY, "-c", _SNAPSHOT, url], capture_output=True, check=True)
    full = timed([PY, "-c", _SHOW_STATE, url, lead, "full"], 1)
    from_snapshot = timed([PY, "-c", _SHOW_STATE, url, lead, "snapshot"], args.repeat)
    line("lead show, state from a snapshot", from_snapshot, full)
    line("revalign lead show (projections)", timed(show, args.repeat), full)
    # each accept on a fresh copy of the ledger (a demo keeps few leads at the MQL stage)
    work = Path(folder) / "accept.db"
    accept = [*CLI, "lead", "accept", lead, "--by", "sam", "--db", f"sqlite:///{work}"]

    def fresh(snapshot: bool) -> None:
        shutil.copyfile(db, work)
        if not snapshot:
            drop_snapshots(work)

    fresh(False)
    ref = timed(accept, 1)
    runs = []
    for _ in range(args.repeat):
        fresh(True)
        runs.append(timed(accept, 1))
    line("revalign lead accept", min(runs), ref)


if __name__ == "__main__":
    main()
