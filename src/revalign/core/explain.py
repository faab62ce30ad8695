"""Why a lead has its score: every rule that fired, its points, and the totals they sum to.

`explain_lead(lead, contract, at)` recomputes the score at `at` under `contract` (so it is
the score the engine would give now, not a stored copy); `explanation_to_json` and
`render_explanation` present it for `revalign explain LEAD_ID [--json]`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from revalign.core.scoring import ScorePart, score_lead, scoring_model
from revalign.core.scoring_model import ContractLike
from revalign.core.state import LeadState
from revalign.core.titles import seniority

if TYPE_CHECKING:
    from rich.console import RenderableType

__all__ = [
    "Explanation",
    "explain_lead",
    "explanation_to_json",
    "render_explanation",
    "score_at",
]


@dataclass(frozen=True, slots=True)
class Explanation:
    lead_id: str
    at: datetime
    score: float
    threshold: float
    above_threshold: bool  # score >= threshold: the MQL rule
    contract_version: str
    fit: float
    behaviour: float
    predictive: float
    parts: tuple[ScorePart, ...]
    high_intent: bool
    seniority: str
    stage: str


def explain_lead(state: LeadState, contract: ContractLike, at: datetime) -> Explanation:
    """The explanation of `state`'s score at `at`; its parts sum exactly to its score."""
    model = scoring_model(contract)
    result = score_lead(state, model, at)
    high_intent = state.high_intent or any(
        s.kind in model.high_intent and s.at <= at for s in state.signals
    )
    return Explanation(
        lead_id=state.lead_id,
        at=at,
        score=result.total,
        threshold=model.mql_threshold,
        above_threshold=result.total >= model.mql_threshold,
        contract_version=model.version,
        fit=result.fit,
        behaviour=result.behaviour,
        predictive=result.predictive,
        parts=result.parts,
        high_intent=high_intent,
        seniority=seniority(state.title).value,
        stage=state.stage.value,
    )


def score_at(state: LeadState, contract: ContractLike, at: datetime) -> float:
    """The lead's score at `at` (behaviour decayed to `at`): what `explain` and `lead show`
    print for the same moment. The stored score is the one of the last rescoring."""
    return score_lead(state, scoring_model(contract), at).total


def explanation_to_json(expl: Explanation) -> dict[str, Any]:
    """The JSON shape of `revalign explain --json`."""
    return {
        "lead_id": expl.lead_id,
        "at": expl.at.isoformat(),
        "score": expl.score,
        "threshold": expl.threshold,
        "above_threshold": expl.above_threshold,
        "contract_version": expl.contract_version,
        "parts": [p.to_dict() for p in expl.parts],
        "fit": expl.fit,
        "behaviour": expl.behaviour,
        "predictive": expl.predictive,
        "high_intent": expl.high_intent,
        "seniority": expl.seniority,
        "stage": expl.stage,
    }


def render_explanation(expl: Explanation) -> RenderableType:
    """A Rich table: one row per rule, then the subtotals and the total."""
    from rich.table import Table  # presentation only; the core itself does not need Rich

    verdict = "reaches" if expl.above_threshold else "is below"
    table = Table(
        title=f"Lead {expl.lead_id}: score {expl.score:.2f} {verdict} the MQL threshold "
        f"{expl.threshold:g}",
        caption=f"contract {expl.contract_version} · at {expl.at.isoformat()} · stage "
        f"{expl.stage} · seniority {expl.seniority}"
        + (" · HIGH INTENT" if expl.high_intent else ""),
        show_footer=True,
    )
    table.add_column("rule", footer="total")
    table.add_column("points", justify="right", footer=f"{expl.score:.2f}")
    table.add_column(
        "detail", footer=f"fit {expl.fit:.2f} + behaviour {expl.behaviour:.2f}" + _predictive(expl)
    )
    for part in expl.parts:
        style = "red" if part.points < 0 else None
        table.add_row(part.rule, f"{part.points:+.2f}", part.detail, style=style)
    return table


def _predictive(expl: Explanation) -> str:
    return f" + predictive {expl.predictive:.2f}" if expl.predictive else ""
