"""Held-out quality of the predictive score against a plain baseline."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any, Literal

import pandas as pd
from sklearn.metrics import brier_score_loss

from revalign.predictive.features import FeatureSpec
from revalign.predictive.models import MODEL_KINDS, ModelKind, plain_logistic
from revalign.predictive.threads import single_threaded
from revalign.predictive.train import auc, best, fit, split, train, validation_aucs

TEST_SHARE = 0.3
BASELINE = (
    "plain LogisticRegression (sklearn defaults: L2, C=1, lbfgs; max_iter=2000) on "
    "median-imputed standardised numbers and one-hot categories; no calibration, no tuning"
)


@dataclass(frozen=True)
class Evaluation:
    auc: float
    baseline_auc: float
    model: str
    brier: float
    baseline_brier: float
    candidates: dict[str, dict[str, float]]
    n_train: int
    n_test: int
    positive_rate: float
    features: list[str]
    excluded_columns: dict[str, str]
    baseline: str = BASELINE

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@single_threaded
def evaluate(
    frame: pd.DataFrame, target: str, *, exclude: Mapping[str, str] | None = None
) -> Evaluation:
    """Fixed stratified 70/30 split; the model is chosen on a validation slice of the 70 %."""
    spec = FeatureSpec.from_frame(frame, target, exclude)
    train_rows, test_rows = split(frame, spec, TEST_SHARE)
    selection = validation_aucs(spec, train_rows)
    chosen = best(selection)
    y_test = spec.labels(test_rows)
    candidates: dict[str, dict[str, float]] = {}
    for kind in MODEL_KINDS:
        model = fit(kind, spec, train_rows).estimator
        p = model.predict_proba(spec.features(test_rows))[:, 1]
        candidates[kind] = {
            "validation_auc": round(selection[kind], 6),
            "auc": round(auc(model, spec, test_rows), 6),
            "brier": round(float(brier_score_loss(y_test, p)), 6),
        }
    baseline = plain_logistic(spec).fit(spec.features(train_rows), spec.labels(train_rows))
    p_base = baseline.predict_proba(spec.features(test_rows))[:, 1]
    return Evaluation(
        auc=candidates[chosen]["auc"],
        baseline_auc=round(auc(baseline, spec, test_rows), 6),
        model=chosen,
        brier=candidates[chosen]["brier"],
        baseline_brier=round(float(brier_score_loss(y_test, p_base)), 6),
        candidates=candidates,
        n_train=len(train_rows),
        n_test=len(test_rows),
        positive_rate=round(float(spec.labels(frame).mean()), 6),
        features=list(spec.columns),
        excluded_columns=dict(spec.excluded),
    )


@single_threaded
def explain_model(
    frame: pd.DataFrame,
    target: str,
    *,
    exclude: Mapping[str, str] | None = None,
    model: ModelKind | Literal["auto"] = "auto",
    k: int = 10,
) -> dict[str, Any]:
    """Global top factors: permutation importance (AUC drop) on the 30 % test split."""
    spec = FeatureSpec.from_frame(frame, target, exclude)
    train_rows, test_rows = split(frame, spec, TEST_SHARE)
    trained = train(train_rows, target, exclude=exclude, model=model)
    return {
        "model": trained.kind,
        "method": "permutation importance: mean drop in test AUC over 5 shuffles per column",
        "factors": [
            {"feature": name, "importance": round(value, 6)}
            for name, value in trained.global_factors(test_rows, k=k)
        ],
    }
