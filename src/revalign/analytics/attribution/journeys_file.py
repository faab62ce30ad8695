"""Read a journeys CSV: one row per touch (journey_id, occurred_at, channel, converted[, value]).

Rows with a bad value (no journey id, unparseable time, empty channel, converted not 0/1,
value not a number >= 0) are rejected with their line and reason; the good rows are kept.
A journey whose rows disagree on `converted` is an error naming the journey: there is no
safe guess. `value` may be given on one row or repeated; the journey's value is its largest.

The file is read and checked by DuckDB's columnar CSV reader (every field as text, then one
vectorised projection computes each row's reason), so a 100 MB event log is not parsed into
millions of Python strings first. A plain projection keeps file order, so a row's position
is its line (the header is line 1; like before, a quoted field spanning lines counts once).
A short row is padded with empty fields (then rejected for what it lacks), as pandas did.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np

from revalign.analytics.attribution.journeys import Journeys
from revalign.errors import InputError

REQUIRED = ("journey_id", "occurred_at", "channel", "converted")
_TRUE = ("1", "true", "yes")
_FALSE = ("0", "false", "no")


@dataclass(frozen=True)
class RejectedRow:
    line: int  # 1-based line in the file (the header is line 1)
    reason: str


@dataclass(frozen=True)
class JourneysFile:
    journeys: Journeys
    rejected: list[RejectedRow]
    rows: int


def _text(name: str | None) -> str:
    """A field as trimmed text ('' when empty or absent)."""
    return "''" if name is None else f"coalesce(trim({_quote(name)}), '')"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _in(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


def _cleaned_sql(columns: dict[str, str]) -> str:
    """One row per file row: the cleaned fields and the first failing check ('' if none)."""
    flag = f"lower({_text(columns['converted'])})"
    at = f"TRY_CAST({_text(columns['occurred_at'])} AS TIMESTAMPTZ)"
    value = _text(columns.get("value"))
    return f"""
        SELECT row, jid, occurred, channel, flag IN {_in(_TRUE)} AS converted, value,
            CASE
                WHEN jid = '' THEN 'journey_id is empty'
                WHEN occurred IS NULL THEN 'occurred_at is not an ISO 8601 time'
                WHEN channel = '' THEN 'channel is empty'
                WHEN flag NOT IN {_in(_TRUE + _FALSE)} THEN 'converted must be 0 or 1'
                WHEN value_text <> '' AND (value IS NULL OR isnan(value) OR value < 0)
                    THEN 'value must be a number >= 0'
                ELSE ''
            END AS reason
        FROM (
            SELECT rowid AS row, {_text(columns["journey_id"])} AS jid,
                timezone('UTC', {at}) AS occurred,
                {_text(columns["channel"])} AS channel, {flag} AS flag,
                {value} AS value_text, TRY_CAST(nullif({value}, '') AS DOUBLE) AS value
            FROM raw
        )
    """


def read_journeys_csv(path: Path) -> JourneysFile:
    """Parse the file; raise InputError if it is unreadable, lacks columns or is inconsistent."""
    con = duckdb.connect()
    try:
        con.execute("SET TimeZone = 'UTC'")  # a time without an offset is UTC
        con.execute("SET enable_progress_bar = false")
        return _read(con, path)
    finally:
        con.close()


def _read(con: duckdb.DuckDBPyConnection, path: Path) -> JourneysFile:
    if not path.is_file() or path.stat().st_size == 0:
        raise InputError(f"{path}: cannot read journeys file: no such file, or it is empty")
    try:
        con.execute(
            "CREATE TEMP TABLE raw AS SELECT * FROM read_csv(?, header = true, delim = ',', "
            "quote = '\"', escape = '\"', all_varchar = true, "
            "null_padding = true)",
            [str(path)],
        )
    except duckdb.Error as exc:
        raise InputError(f"{path}: cannot read journeys file: {exc}") from exc
    names = [str(r[0]) for r in con.execute("DESCRIBE raw").fetchall()]
    columns = {name.strip().lower(): name for name in names}
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise InputError(f"{path}: missing column(s) {', '.join(missing)} (need {REQUIRED})")
    con.execute(f"CREATE TEMP TABLE cleaned AS {_cleaned_sql(columns)}")
    counted = con.execute("SELECT count(*), count(*) FILTER (reason = '') FROM cleaned")
    rows, good = counted.fetchall()[0]
    bad = con.execute("SELECT row, reason FROM cleaned WHERE reason <> '' ORDER BY row").fetchall()
    rejected = [RejectedRow(line=int(row) + 2, reason=str(reason)) for row, reason in bad]
    if not good:
        detail = (
            f"; first problem: line {rejected[0].line}: {rejected[0].reason}" if rejected else ""
        )
        raise InputError(f"{path}: no usable touch rows{detail}")
    return JourneysFile(_journeys(con, path), rejected, int(rows))


def _journeys(con: duckdb.DuckDBPyConnection, path: Path) -> Journeys:
    """The good rows as Journeys, coded and sorted inside DuckDB: journeys and channels are
    numbered in sorted (code point) order, touches sorted by journey, time, then file row."""
    con.execute(
        "CREATE TEMP TABLE per_journey AS SELECT jid, row_number() OVER (ORDER BY jid) - 1 "
        "AS code, max(occurred) AS end_at, bool_or(converted) AS converted, "
        "coalesce(max(value), 0.0) AS value, count(DISTINCT converted) AS flags "
        "FROM cleaned WHERE reason = '' GROUP BY jid"
    )
    _check_converted_consistent(con, path)
    per = con.execute("SELECT converted, value FROM per_journey ORDER BY code").fetchnumpy()
    channels = [str(c) for (c,) in con.execute(
        "SELECT DISTINCT channel FROM cleaned WHERE reason = '' ORDER BY channel"
    ).fetchall()]  # fmt: skip
    touches = con.execute(
        "SELECT j.code AS journey, c.code AS channel, "
        "epoch_us(j.end_at) - epoch_us(t.occurred) AS us_before "
        "FROM cleaned t JOIN per_journey j USING (jid) "
        "JOIN (SELECT unnest(?) AS channel, generate_subscripts(?, 1) - 1 AS code) c "
        "USING (channel) WHERE t.reason = '' ORDER BY j.code, t.occurred, t.row",
        [channels, channels],
    ).fetchnumpy()
    # ns / ns-per-day, as numpy divides two timedelta64[ns] (the pandas path's exact floats)
    days = (np.asarray(touches["us_before"], dtype=np.int64) * 1000) / 86_400_000_000_000
    return Journeys(
        channels=tuple(channels),
        journey=np.asarray(touches["journey"], dtype=np.int64),
        channel=np.asarray(touches["channel"], dtype=np.int64),
        days_before_end=np.asarray(days, dtype=np.float64),
        converted=np.asarray(per["converted"], dtype=bool),
        value=np.asarray(per["value"], dtype=np.float64),
    )


def _check_converted_consistent(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    mixed = con.execute("SELECT jid FROM per_journey WHERE flags > 1 ORDER BY jid").fetchall()
    if mixed:
        names = ", ".join(repr(str(n)) for (n,) in mixed[:5])
        more = f" and {len(mixed) - 5} more" if len(mixed) > 5 else ""
        raise InputError(
            f"{path}: journey {names}{more}: converted differs between rows "
            "(it must be the same 0/1 on every row of a journey)"
        )
