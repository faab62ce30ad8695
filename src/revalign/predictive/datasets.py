"""Labelled public datasets the predictive score can learn from, by name."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from revalign.connectors.datasets import xeducation
from revalign.errors import InputError
from revalign.predictive.leakage import XEDUCATION_EXCLUDED


@dataclass(frozen=True)
class LabelledData:
    frame: pd.DataFrame
    target: str
    exclude: Mapping[str, str]


def load_labelled(name: str, path: Path) -> LabelledData:
    """The frame, its target and its excluded columns; only `xeducation` has labels."""
    if name != "xeducation":
        raise InputError(f"no labelled dataset {name!r}; available: xeducation")
    return LabelledData(xeducation.read_leads(path), xeducation.TARGET, XEDUCATION_EXCLUDED)
