"""The predictive score on the real X Education leads: quality, leakage, reproducibility."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import revalign.cli  # noqa: F401  (registers the commands)
from revalign.cli.app import app, run
from revalign.predictive import evaluate, load_labelled, train
from revalign.predictive.leakage import XEDUCATION_EXCLUDED

pytestmark = pytest.mark.datasets


@pytest.fixture(scope="module")
def folder(datasets_dir: Path) -> Path:
    return datasets_dir / "x_education_leads"


@pytest.fixture(scope="module")
def cli_result(folder: Path) -> dict[str, Any]:
    result = CliRunner().invoke(
        app, ["score", "evaluate", "--dataset", "xeducation", str(folder), "--json"]
    )
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.output)
    return data


def test_model_beats_the_plain_baseline(cli_result: dict[str, Any]) -> None:
    # measured: gbm 0.8706, calibrated logistic 0.8557, plain baseline 0.8560
    assert cli_result["auc"] >= 0.86
    assert cli_result["auc"] >= cli_result["baseline_auc"] + 0.005
    assert cli_result["candidates"]["logistic"]["auc"] >= cli_result["baseline_auc"] - 0.005
    assert cli_result["brier"] <= cli_result["baseline_brier"]
    assert (cli_result["n_train"], cli_result["n_test"]) == (6468, 2772)
    assert cli_result["positive_rate"] == pytest.approx(3561 / 9240, abs=1e-6)


def test_no_leaking_column_is_learned_from(cli_result: dict[str, Any]) -> None:
    features = set(cli_result["features"])
    assert not features & set(XEDUCATION_EXCLUDED)
    assert set(XEDUCATION_EXCLUDED) <= set(cli_result["excluded_columns"])
    assert {"Total Time Spent on Website", "Lead Source", "Lead Origin"} <= features


def test_evaluation_is_reproducible(folder: Path, cli_result: dict[str, Any]) -> None:
    data = load_labelled("xeducation", folder / "Leads.csv")  # the CSV path works too
    again = evaluate(data.frame, data.target, exclude=data.exclude).to_dict()
    assert again == cli_result


def test_fitted_pipeline_never_sees_excluded_columns(folder: Path) -> None:
    data = load_labelled("xeducation", folder)
    model = train(data.frame, data.target, exclude=data.exclude, model="logistic")
    fitted = model.estimator.calibrated_classifiers_[0].estimator.named_steps["prep"]
    assert not set(fitted.feature_names_in_) & set(XEDUCATION_EXCLUDED)
    factors = model.top_factors(data.frame.iloc[[0]], k=5)
    assert len(factors) == 5
    assert all(name in model.spec.columns for name, _ in factors)


def test_select_placeholder_is_missing(folder: Path) -> None:
    frame = load_labelled("xeducation", folder).frame
    assert not (frame == "Select").any().any()
    assert frame["Specialization"].isna().sum() == 1438 + 1942  # empty + "Select"


def test_unlabelled_dataset_is_a_user_error(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["score", "evaluate", "--dataset", "olist", str(folder)]) == 2
    assert "no labelled dataset" in capsys.readouterr().err
    assert run(["score", "evaluate", str(folder / "missing.csv")]) == 2
