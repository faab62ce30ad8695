"""Which columns a model may learn from, and how they are typed.

A `FeatureSpec` names the target, the numeric and categorical features, and every
excluded column with the reason it was excluded (ids, outcome leaks, constants).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from revalign.errors import InputError


@dataclass(frozen=True)
class FeatureSpec:
    target: str
    numeric: tuple[str, ...]
    categorical: tuple[str, ...]
    excluded: Mapping[str, str] = field(default_factory=dict)  # column -> reason

    @property
    def columns(self) -> tuple[str, ...]:
        return self.numeric + self.categorical

    @classmethod
    def from_frame(
        cls, frame: pd.DataFrame, target: str, exclude: Mapping[str, str] | None = None
    ) -> FeatureSpec:
        """Type every non-excluded column; drop constant ones (they carry no signal)."""
        if target not in frame.columns:
            raise InputError(f"target column {target!r} not in the data")
        excluded = dict(exclude or {})
        numeric: list[str] = []
        categorical: list[str] = []
        for column in frame.columns:
            if column == target or column in excluded:
                continue
            if frame[column].nunique(dropna=False) <= 1:
                excluded[column] = "constant: one value in every row"
            elif pd.api.types.is_numeric_dtype(frame[column]) and not pd.api.types.is_bool_dtype(
                frame[column]
            ):
                numeric.append(column)
            else:
                categorical.append(column)
        if not numeric and not categorical:
            raise InputError("no feature columns left after exclusions")
        return cls(target, tuple(numeric), tuple(categorical), excluded)

    def features(self, rows: pd.DataFrame) -> pd.DataFrame:
        """The model's input columns from `rows`; missing columns become missing values."""
        out = pd.DataFrame(index=rows.index)
        for column in self.numeric:
            numbers = rows[column] if column in rows else pd.Series(np.nan, index=rows.index)
            out[column] = pd.to_numeric(numbers, errors="coerce").astype(float)
        for column in self.categorical:
            values = rows[column] if column in rows else pd.Series(None, index=rows.index)
            series = values.astype(object)
            # One representation of "missing" for every encoder: np.nan in an object column.
            out[column] = series.where(series.notna(), np.nan)
        return out

    def labels(self, frame: pd.DataFrame) -> np.ndarray:
        """The 0/1 target; rows with a missing or non-binary target are refused."""
        y = pd.to_numeric(frame[self.target], errors="coerce")
        if y.isna().any() or not set(y.unique()) <= {0, 1}:
            raise InputError(f"target {self.target!r} must be 0/1 in every row")
        if y.nunique() < 2:
            raise InputError(f"target {self.target!r} has only one class")
        return y.astype(int).to_numpy()
