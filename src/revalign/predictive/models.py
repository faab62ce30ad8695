"""The three scikit-learn pipelines: plain baseline, calibrated logistic, gradient boosting.

Every estimator has a fixed random_state so a fit is reproducible bit for bit.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler

from revalign.predictive.explain import onehot_name
from revalign.predictive.features import FeatureSpec

ModelKind = Literal["logistic", "gbm"]
MODEL_KINDS: tuple[ModelKind, ...] = ("logistic", "gbm")
RANDOM_STATE = 42
# Categories seen fewer times than this in training share one "infrequent" slot.
MIN_FREQUENCY = 20
MISSING = "__missing__"


def linear_preprocessor(spec: FeatureSpec, *, min_frequency: int | None) -> ColumnTransformer:
    """Median-impute + standardise numbers; constant-impute + one-hot categories."""
    numeric = Pipeline([("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())])
    onehot = OneHotEncoder(
        handle_unknown="infrequent_if_exist" if min_frequency else "ignore",
        min_frequency=min_frequency,
        sparse_output=False,
        feature_name_combiner=onehot_name,
    )
    categorical = Pipeline(
        [("impute", SimpleImputer(strategy="constant", fill_value=MISSING)), ("onehot", onehot)]
    )
    return ColumnTransformer(
        [("num", numeric, list(spec.numeric)), ("cat", categorical, list(spec.categorical))],
        verbose_feature_names_out=False,
    )


def plain_logistic(spec: FeatureSpec) -> Pipeline:
    """The baseline: default LogisticRegression (C=1, L2, lbfgs) on imputed, scaled, one-hot
    features; no calibration, no tuning, no pooling of rare categories."""
    return Pipeline(
        [
            ("prep", linear_preprocessor(spec, min_frequency=None)),
            ("model", LogisticRegression(max_iter=2000)),
        ]
    )


def calibrated_logistic(spec: FeatureSpec) -> CalibratedClassifierCV:
    """Regularised LR (C=0.3, rare categories pooled) with sigmoid calibration (5-fold)."""
    inner = Pipeline(
        [
            ("prep", linear_preprocessor(spec, min_frequency=MIN_FREQUENCY)),
            ("model", LogisticRegression(C=0.3, max_iter=2000)),
        ]
    )
    # ensemble=False: one LR fitted on all rows (its coefficients explain every lead),
    # calibrated on 5-fold out-of-fold predictions.
    return CalibratedClassifierCV(inner, method="sigmoid", cv=5, ensemble=False)


def gradient_boosting(spec: FeatureSpec) -> Pipeline:
    """HistGradientBoosting with native categorical splits on ordinal-encoded categories."""
    encoder = OrdinalEncoder(
        handle_unknown="use_encoded_value",
        unknown_value=np.nan,
        encoded_missing_value=np.nan,
        min_frequency=MIN_FREQUENCY,
    )
    prep = ColumnTransformer(
        [("num", "passthrough", list(spec.numeric)), ("cat", encoder, list(spec.categorical))],
        verbose_feature_names_out=False,
    )
    n_num = len(spec.numeric)
    categorical_mask = [i >= n_num for i in range(len(spec.columns))]
    model = HistGradientBoostingClassifier(
        learning_rate=0.05,
        max_iter=300,
        max_leaf_nodes=8,
        l2_regularization=1.0,
        early_stopping=False,  # early stopping would draw a random validation split
        categorical_features=categorical_mask,
        random_state=RANDOM_STATE,
    )
    return Pipeline([("prep", prep), ("model", model)])


def build(kind: ModelKind, spec: FeatureSpec) -> Any:
    """A fresh, unfitted estimator of `kind` for `spec`."""
    if kind == "logistic":
        return calibrated_logistic(spec)
    return gradient_boosting(spec)
