"""Rows people state about the quarter and each other: forecasts and cross-team surveys.

forecasts: `period` (or `quarter`), `by`, `commit` and/or `best_case`, `submitted_at`,
  optional `currency` -> one forecast.submitted per category given.
surveys: `respondent`, `team` (or `side`: who answers, marketing or sales), `score` 0-10,
  `asked_at`, optional `about` (default: the other side) and `comment` -> survey.response.
"""

from __future__ import annotations

from revalign.connectors import rows
from revalign.connectors.base import Context, event, explicit_id
from revalign.connectors.identity import row_key
from revalign.core.events import Event, EventType
from revalign.core.periods import parse_period

SIDES = ("marketing", "sales")
CATEGORIES = ("commit", "best_case")


def _period(row: rows.Row) -> str:
    value = rows.text(row, "period") or rows.text(row, "quarter")
    if value is None:
        raise rows.RowError("missing period (or quarter)")
    try:
        return parse_period(value)
    except ValueError as exc:
        raise rows.RowError(str(exc)) from None


class ForecastTranslator:
    kind = "forecasts"

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    def submitted(self) -> None:
        """Nothing to forget."""

    def translate(self, row: rows.Row) -> list[Event]:
        period = _period(row)
        by = rows.required(row, "by")
        at = rows.timestamp(rows.required(row, "submitted_at"), "submitted_at")
        value = rows.text(row, "currency")
        currency = rows.currency(value) if value else self._ctx.contract.contract.currency
        amounts = {c: rows.text(row, c) for c in CATEGORIES}
        if not any(amounts.values()):
            raise rows.RowError("missing commit (or best_case)")
        base = explicit_id(row) or row_key(period, by, at.isoformat())
        out = []
        for category, text in amounts.items():
            if text is None:
                continue
            payload = {"period": period, "amount": rows.amount(text, category),
                       "currency": currency, "by": by, "category": category}  # fmt: skip
            key = f"{base}:{category}"
            out.append(event(self._ctx, EventType.FORECAST_SUBMITTED, key, at, payload))
        return out


class SurveyTranslator:
    kind = "surveys"

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    def submitted(self) -> None:
        """Nothing to forget."""

    def translate(self, row: rows.Row) -> list[Event]:
        respondent = rows.required(row, "respondent")
        side = (rows.text(row, "team") or rows.text(row, "side") or "").lower()
        if side not in SIDES:
            raise rows.RowError(f"team {side or '(missing)'!r} must be marketing or sales")
        about = (rows.text(row, "about") or SIDES[1 - SIDES.index(side)]).lower()
        if about not in SIDES:
            raise rows.RowError(f"about {about!r} must be marketing or sales")
        score = rows.count(rows.required(row, "score"), "score")
        if score > 10:
            raise rows.RowError(f"score must be 0-10, got {score}")
        at = rows.timestamp(rows.required(row, "asked_at"), "asked_at")
        payload = {"team": side, "about": about, "score": score, "respondent": respondent,
                   "comment": rows.text(row, "comment")}  # fmt: skip
        clean = {k: v for k, v in payload.items() if v is not None}
        key = explicit_id(row) or row_key(respondent, about, at.isoformat())
        return [event(self._ctx, EventType.SURVEY_RESPONSE, key, at, clean)]
