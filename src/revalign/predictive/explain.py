"""Per-lead factor contributions, in log-odds, summed back to the original columns.

- logistic: coefficient × (transformed value − its training mean), summed over a column's
  one-hot indicators. Exact: the contributions plus the base log-odds equal the model's
  log-odds for the lead (before calibration, which is monotone).
- gbm: occlusion. A column's contribution is log-odds(lead) − log-odds(lead with that
  column set to the training reference: median for numbers, most frequent category).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from revalign.predictive.features import FeatureSpec

_SEP = "\x1f"  # joins column and category in one-hot output names; never in real data
_EPS = 1e-9


def onehot_name(feature: str, category: Any) -> str:
    """Feature-name combiner for OneHotEncoder: lets each output map back to its column."""
    return f"{feature}{_SEP}{category}"


def output_columns(prep: Any) -> list[str]:
    """For each transformed output of a fitted ColumnTransformer, its original column."""
    return [str(name).split(_SEP, 1)[0] for name in prep.get_feature_names_out()]


def logit(p: np.ndarray) -> np.ndarray:
    clipped = np.clip(p, _EPS, 1 - _EPS)
    return np.asarray(np.log(clipped / (1 - clipped)))


def linear_contributions(
    pipeline: Any, spec: FeatureSpec, rows: pd.DataFrame, train_means: np.ndarray
) -> pd.DataFrame:
    """One row per lead, one column per original feature: log-odds contributions."""
    prep, model = pipeline.named_steps["prep"], pipeline.named_steps["model"]
    transformed = np.asarray(prep.transform(spec.features(rows)), dtype=float)
    parts = (transformed - train_means) * model.coef_[0]
    owners = output_columns(prep)
    frame = pd.DataFrame(parts, columns=owners, index=rows.index)
    return frame.T.groupby(level=0, sort=False).sum().T.reindex(columns=list(spec.columns))


def occlusion_contributions(
    model: Any, spec: FeatureSpec, row: pd.DataFrame, reference: Mapping[str, Any]
) -> pd.Series:
    """For one lead: log-odds change when each column is reset to its reference value."""
    base = spec.features(row)
    variants = [base]
    for column in spec.columns:
        variant = base.copy()
        variant[column] = pd.Series([reference[column]], index=base.index, dtype=object)
        variants.append(variant)
    batch = spec.features(pd.concat(variants, ignore_index=True))
    log_odds = logit(model.predict_proba(batch)[:, 1])
    return pd.Series(log_odds[0] - log_odds[1:], index=list(spec.columns))


def reference_row(spec: FeatureSpec, frame: pd.DataFrame) -> dict[str, Any]:
    """Median of each number and most frequent value of each category (the 'typical lead')."""
    features = spec.features(frame)
    ref: dict[str, Any] = {c: float(features[c].median()) for c in spec.numeric}
    for column in spec.categorical:
        counts = features[column].value_counts(dropna=True)
        ref[column] = counts.index[0] if len(counts) else np.nan
    return ref


def top(contributions: pd.Series, k: int) -> list[tuple[str, float]]:
    """The k largest contributions by absolute size, sign kept, ties broken by name."""
    items = [(str(c), float(v)) for c, v in contributions.items() if v == v]
    items.sort(key=lambda item: (-abs(item[1]), item[0]))
    return items[:k]
