"""Fit P(conversion): both candidates, the better one by validation AUC."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split

from revalign.errors import InputError
from revalign.predictive.explain import reference_row
from revalign.predictive.features import FeatureSpec
from revalign.predictive.models import MODEL_KINDS, RANDOM_STATE, ModelKind, build
from revalign.predictive.threads import single_threaded
from revalign.predictive.trained import TrainedModel

VALIDATION_SHARE = 0.25


def fit(kind: ModelKind, spec: FeatureSpec, frame: pd.DataFrame) -> TrainedModel:
    """Fit one model of `kind` on every row of `frame`."""
    estimator = build(kind, spec)
    estimator.fit(spec.features(frame), spec.labels(frame))
    means = np.zeros(0)
    if kind == "logistic":
        prep = estimator.calibrated_classifiers_[0].estimator.named_steps["prep"]
        means = np.asarray(prep.transform(spec.features(frame)), dtype=float).mean(axis=0)
    return TrainedModel(kind, spec, estimator, reference_row(spec, frame), means)


def auc(model: Any, spec: FeatureSpec, frame: pd.DataFrame) -> float:
    scores = model.predict_proba(spec.features(frame))[:, 1]
    return float(roc_auc_score(spec.labels(frame), scores))


def split(
    frame: pd.DataFrame, spec: FeatureSpec, share: float
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A stratified split with the fixed random_state."""
    first, second = train_test_split(
        frame, test_size=share, stratify=spec.labels(frame), random_state=RANDOM_STATE
    )
    return first, second


def validation_aucs(spec: FeatureSpec, frame: pd.DataFrame) -> dict[str, float]:
    """Each candidate's AUC on a stratified 25 % validation slice of `frame`."""
    fit_rows, val_rows = split(frame, spec, VALIDATION_SHARE)
    return {kind: auc(fit(kind, spec, fit_rows).estimator, spec, val_rows) for kind in MODEL_KINDS}


def best(selection: Mapping[str, float]) -> ModelKind:
    """The higher validation AUC; the simpler logistic model wins ties."""
    return max(MODEL_KINDS, key=lambda kind: (selection[kind], kind == "logistic"))


@single_threaded
def train(
    frame: pd.DataFrame,
    target: str,
    *,
    exclude: Mapping[str, str] | None = None,
    model: ModelKind | Literal["auto"] = "auto",
) -> TrainedModel:
    """Learn P(target = 1) from `frame`; `model="auto"` picks by validation AUC."""
    if len(frame) < 20:
        raise InputError(f"need at least 20 labelled rows to train, got {len(frame)}")
    spec = FeatureSpec.from_frame(frame, target, exclude)
    selection: dict[str, float] = {}
    if model == "auto":
        selection = validation_aucs(spec, frame)
        model = best(selection)
    trained = fit(model, spec, frame)
    return TrainedModel(
        trained.kind, spec, trained.estimator, trained.reference, trained.train_means, selection
    )
