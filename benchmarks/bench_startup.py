"""Start-up of CLI commands and of `revalign serve` on a demo ledger, against references.

.venv/bin/python benchmarks/bench_startup.py --db /tmp/d20k.db          # an existing demo
.venv/bin/python benchmarks/bench_startup.py                # builds a 2,000-lead demo first
.venv/bin/python benchmarks/bench_startup.py --full         # builds a 20,000-lead demo first

Each figure is the best wall time of `--repeat` runs of the real `revalign` command in a new
process (start-up included), with its CPU time (user + sys of the child). References:
`--help` against importing every command module (what the CLI did before lazy commands);
`lead show` / `lead accept` against the full engine with no snapshot (a full fold from seq
0, what every command did before snapshots); `lead accept` also against the full engine
from the newest snapshot (what it did before `LeadEngine`). `serve`: seconds until the
server answers `GET /login`, then until an engine read (`GET /api/leads/{id}`, which waits
for the state loaded in the background) answers. Printed as ratios.

The package's bytecode is compiled first (`compileall`, into its `__pycache__` folders, as
an installed package has it): with PYTHONDONTWRITEBYTECODE set, every run would otherwise
compile ~300 modules (~0.2 s of CPU per command).
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import closing
from pathlib import Path

import revalign

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
# `lead accept` as it ran before LeadEngine: the full engine, state from the newest snapshot
_ACCEPT_FULL = """
import sys
from revalign import services
from revalign.auth.caller import LOCAL_ADMIN
from revalign.cli.common import resolve_contract
from revalign.engine import open_engine
with open_engine(sys.argv[1], resolve_contract(None)) as engine:
    print(services.accept(engine, LOCAL_ADMIN, sys.argv[2], "sam"))
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
    compileall.compile_dir(Path(revalign.__file__).parent, quiet=1)
    if args.full:
        args.leads = 20_000
    folder = tempfile.mkdtemp()
    db = args.db or Path(folder) / "demo.db"
    url = f"sqlite:///{db}"
    if args.db is None:
        wall, _cpu = timed([*CLI, "demo", "--leads", str(args.leads), "--db", url, "--json"], 1)
        print(f"demo --leads {args.leads:,}: {wall:.1f} s")
    subprocess.run([*CLI, "migrate", "--db", url], capture_output=True, check=True)
    # breaches due by now recorded, as a running worker keeps them (else the first verb on a
    # late lead records them, and its escalations need the whole state)
    subprocess.run([*CLI, "run", "--db", url], capture_output=True, check=True)
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
    work_url = f"sqlite:///{work}"
    accept = [*CLI, "lead", "accept", lead, "--by", "sam", "--db", work_url]
    full_accept = [PY, "-c", _ACCEPT_FULL, work_url, lead]

    def fresh(snapshot: bool) -> None:
        shutil.copyfile(db, work)
        if not snapshot:
            drop_snapshots(work)
        # written through to the disk first: else the commit's fsync (SQLite's checkpoint on
        # close) waits for the whole fresh copy, a cost no ledger in use has
        with open(work, "rb+") as copy:
            os.fsync(copy.fileno())

    fresh(False)
    from_zero = timed(full_accept, 1)
    runs, before = [], []
    for _ in range(args.repeat):
        fresh(True)
        runs.append(timed(accept, 1))
        fresh(True)
        before.append(timed(full_accept, 1))
    line("revalign lead accept (LeadEngine)", min(runs), from_zero)
    line("  against the snapshot + tail path", min(runs), min(before))
    token = _admin_token(url)
    serves = [serve_start(url, token, lead) for _ in range(args.repeat)]
    best = min(serves)
    print(f"{'revalign serve: /login answers':<34} {best[0]:7.2f} s wall")
    print(f"{'  an engine read answers':<34} {best[1]:7.2f} s wall")


def _admin_token(url: str) -> str:
    name = f"bench-{os.getpid()}"
    done = subprocess.run([*CLI, "user", "add", name, "--role", "admin", "--db", url, "--json"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    return str(json.loads(done.stdout)["token"])


def _answers(url: str, token: str | None = None) -> bool:
    request = urllib.request.Request(url)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def serve_start(url: str, token: str, lead: str) -> tuple[float, float]:
    """Seconds from `revalign serve` until /login answers, and until a lead read does."""
    port = 18_000 + os.getpid() % 1000
    base = f"http://127.0.0.1:{port}"
    start = time.perf_counter()
    server = subprocess.Popen([*CLI, "serve", "--db", url, "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        while not _answers(f"{base}/login"):
            if server.poll() is not None:
                sys.exit("revalign serve exited")
            time.sleep(0.02)
        up = time.perf_counter() - start
        while not _answers(f"{base}/api/leads/{lead}", token):
            time.sleep(0.02)
        return up, time.perf_counter() - start
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
