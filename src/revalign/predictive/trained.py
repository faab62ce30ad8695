"""A fitted model with what it needs to predict and explain: `TrainedModel`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import joblib  # type: ignore[import-untyped]
import numpy as np
import pandas as pd
from sklearn.inspection import permutation_importance

from revalign.errors import InputError
from revalign.predictive.explain import (
    linear_contributions,
    occlusion_contributions,
    top,
)
from revalign.predictive.features import FeatureSpec
from revalign.predictive.models import RANDOM_STATE, ModelKind
from revalign.predictive.threads import single_threaded


@dataclass(frozen=True)
class TrainedModel:
    kind: ModelKind
    spec: FeatureSpec
    estimator: Any
    reference: dict[str, Any]  # the typical lead, for GBM occlusion
    train_means: np.ndarray  # mean transformed features, for LR contributions
    selection: dict[str, float] = field(default_factory=dict)  # kind -> validation AUC

    @single_threaded
    def predict_proba(self, rows: pd.DataFrame | list[dict[str, Any]]) -> np.ndarray:
        """P(conversion) for each row (a DataFrame or a list of column → value dicts)."""
        frame = _frame(rows)
        return np.asarray(self.estimator.predict_proba(self.spec.features(frame))[:, 1])

    @single_threaded
    def contributions(self, rows: pd.DataFrame | list[dict[str, Any]]) -> pd.DataFrame:
        """Log-odds contribution of each original column, one row per lead."""
        frame = _frame(rows)
        if self.kind == "logistic":
            return linear_contributions(self._linear(), self.spec, frame, self.train_means)
        parts = [
            occlusion_contributions(self.estimator, self.spec, frame.iloc[[i]], self.reference)
            for i in range(len(frame))
        ]
        return pd.DataFrame(parts, index=frame.index)

    def top_factors(
        self, row: pd.DataFrame | dict[str, Any], k: int = 5
    ) -> list[tuple[str, float]]:
        """The k columns that moved this lead's log-odds most (positive = towards converting)."""
        frame = _frame([row] if isinstance(row, dict) else row)
        if len(frame) != 1:
            raise InputError(f"top_factors explains one lead, got {len(frame)} rows")
        return top(self.contributions(frame).iloc[0], k)

    @single_threaded
    def global_factors(self, frame: pd.DataFrame, k: int = 10) -> list[tuple[str, float]]:
        """Permutation importance on labelled rows: mean AUC lost when a column is shuffled."""
        result = permutation_importance(
            self.estimator,
            self.spec.features(frame),
            self.spec.labels(frame),
            scoring="roc_auc",
            n_repeats=5,
            random_state=RANDOM_STATE,
        )
        importances = pd.Series(result.importances_mean, index=list(self.spec.columns))
        return top(importances, k)

    def save(self, path: Path) -> None:
        joblib.dump(self, path)

    @staticmethod
    def load(path: Path) -> TrainedModel:
        model = joblib.load(path)
        if not isinstance(model, TrainedModel):
            raise InputError(f"{path} does not hold a revalign model")
        return model

    def _linear(self) -> Any:
        # CalibratedClassifierCV(ensemble=False) keeps one pipeline fitted on all rows.
        return self.estimator.calibrated_classifiers_[0].estimator


def _frame(rows: pd.DataFrame | list[dict[str, Any]]) -> pd.DataFrame:
    return rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))
