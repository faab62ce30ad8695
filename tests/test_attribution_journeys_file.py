"""The DuckDB journeys reader gives what the pandas one gave: journeys, rejected lines, errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import journeys_pandas_oracle as oracle
from revalign.analytics.attribution import read_journeys_csv
from revalign.errors import InputError

IDS = st.sampled_from(["j1", "j2", " j3", "j10", "", "Ünï", "j2 "])
TIMES = st.sampled_from([
    "2026-05-01T10:00:00Z", "2026-05-01T10:00:00+02:00", "2026-05-02", "2026-05-01T09:30:00.5Z",
    " 2026-05-03T08:00:00Z", "yesterday", "", "2026-13-01",
])  # fmt: skip
CHANNELS = st.sampled_from(["search", "email", "Social", " partner", "", "e,mail"])
FLAGS = st.sampled_from(["1", "0", "true", "No", " YES", "2", ""])
VALUES = st.sampled_from(["", "100", "2.5", "-5", "abc", " 7", "0", "1e3", "nan"])
ROW = st.tuples(IDS, TIMES, CHANNELS, FLAGS, VALUES)


def _csv(rows: list[tuple[str, str, str, str, str]]) -> str:
    def field(text: str) -> str:
        return f'"{text}"' if "," in text else text

    lines = ["journey_id,occurred_at,channel,converted,value"]
    lines += [",".join(field(f) for f in row) for row in rows]
    return "\n".join(lines) + "\n"


def _outcome(reader: object, path: Path) -> object:
    try:
        result = reader(path)  # type: ignore[operator]
    except InputError as exc:
        return ("error", str(exc).split(":")[1].split("(")[0].strip())
    j = result.journeys
    arrays = tuple(
        getattr(j, f).tolist() for f in ("journey", "channel", "days_before_end", "converted")
    )
    rejected = [(r.line, r.reason) for r in result.rejected]
    return (j.channels, arrays, np.round(j.value, 9).tolist(), rejected, result.rows)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(ROW, min_size=1, max_size=25))
def test_same_result_as_the_pandas_reader(tmp_path: Path, rows: list[tuple[str, ...]]) -> None:
    path = tmp_path / "journeys.csv"
    path.write_text(_csv(rows))  # type: ignore[arg-type]
    assert _outcome(read_journeys_csv, path) == _outcome(oracle.read_journeys_csv, path)


def test_rejected_lines_and_header_spelling(tmp_path: Path) -> None:
    path = tmp_path / "j.csv"
    path.write_text(" Journey_ID , occurred_at,CHANNEL,converted\nj1,2026-05-01,a,1\n,x,,\n")
    result = read_journeys_csv(path)
    assert [(r.line, r.reason) for r in result.rejected] == [(3, "journey_id is empty")]
    assert result.rows == 2 and result.journeys.channels == ("a",)


def test_a_short_row_is_rejected_like_before(tmp_path: Path) -> None:
    path = tmp_path / "j.csv"
    path.write_text("journey_id,occurred_at,channel,converted\nj1,2026-05-01,a,1\nj2,2026-05-01\n")
    assert _outcome(read_journeys_csv, path) == _outcome(oracle.read_journeys_csv, path)
    assert [r.line for r in read_journeys_csv(path).rejected] == [3]


@pytest.mark.parametrize("text", ["a,b\n1,2,3,4\n", "\xff\xfe\x00bad"])
def test_malformed_files_are_input_errors(tmp_path: Path, text: str) -> None:
    path = tmp_path / "j.csv"
    path.write_bytes(text.encode("latin-1"))
    with pytest.raises(InputError):
        read_journeys_csv(path)


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        read_journeys_csv(tmp_path / "nope.csv")
