"""The predictive score on synthetic leads whose true signal is known."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from revalign.errors import InputError
from revalign.predictive import evaluate, train
from revalign.predictive.features import FeatureSpec


def synthetic(n: int = 1500, seed: int = 7) -> tuple[pd.DataFrame, np.ndarray]:
    """Converted depends on `visits` (+) and plan == "pro" (+); `noise` is pure noise."""
    rng = np.random.default_rng(seed)
    visits = rng.normal(size=n)
    plan = rng.choice(["free", "pro", "team"], size=n)
    noise = rng.normal(size=n)
    true_logit = 2.0 * visits + 1.5 * (plan == "pro") - 0.8
    converted = (rng.random(n) < 1 / (1 + np.exp(-true_logit))).astype(int)
    frame = pd.DataFrame({"lead_id": np.arange(n), "visits": visits, "plan": plan, "noise": noise})
    frame["leaky"] = converted  # a column that IS the outcome
    frame["converted"] = converted
    return frame, true_logit


EXCLUDE = {"lead_id": "id", "leaky": "leak"}


@pytest.fixture(scope="module")
def data() -> tuple[pd.DataFrame, np.ndarray]:
    return synthetic()


@pytest.mark.parametrize("kind", ["logistic", "gbm"])
def test_model_recovers_the_known_signal(data: tuple[pd.DataFrame, np.ndarray], kind: str) -> None:
    frame, true_logit = data
    fit_rows, test_rows = frame.iloc[:1000], frame.iloc[1000:]
    model = train(fit_rows, "converted", exclude=EXCLUDE, model=kind)  # type: ignore[arg-type]
    y = test_rows["converted"].to_numpy()
    oracle = roc_auc_score(y, true_logit[1000:])
    learned = roc_auc_score(y, model.predict_proba(test_rows))
    assert learned > 0.8
    assert learned >= oracle - 0.03
    ranking = [name for name, _ in model.global_factors(test_rows, k=3)]
    assert ranking[:2] == ["visits", "plan"]


def test_logistic_factors_point_the_right_way(data: tuple[pd.DataFrame, np.ndarray]) -> None:
    frame, _ = data
    model = train(frame, "converted", exclude=EXCLUDE, model="logistic")
    hot = {"visits": 2.5, "plan": "pro", "noise": 0.0}
    cold = {"visits": -2.5, "plan": "free", "noise": 0.0}
    assert [name for name, _ in model.top_factors(hot, k=1)] == ["visits"]
    factors = dict(model.top_factors(hot, k=3))
    assert factors["visits"] > 0 and factors["plan"] > 0
    assert dict(model.top_factors(cold, k=3))["visits"] < 0
    assert abs(factors["noise"]) < abs(factors["plan"])
    p_hot, p_cold = model.predict_proba([hot, cold])
    assert p_hot > 0.9 > 0.1 > p_cold


def test_logistic_contributions_add_up_to_the_log_odds(
    data: tuple[pd.DataFrame, np.ndarray],
) -> None:
    frame, _ = data
    model = train(frame, "converted", exclude=EXCLUDE, model="logistic")
    rows = frame.iloc[:50]
    pipeline = model.estimator.calibrated_classifiers_[0].estimator
    log_odds = pipeline.decision_function(model.spec.features(rows))
    base = log_odds - model.contributions(rows).sum(axis=1).to_numpy()
    # what is left over is the same base log-odds (the average lead's) for every lead
    assert np.ptp(base) < 1e-9


def test_gbm_factors_point_the_right_way(data: tuple[pd.DataFrame, np.ndarray]) -> None:
    frame, _ = data
    model = train(frame, "converted", exclude=EXCLUDE, model="gbm")
    factors = dict(model.top_factors({"visits": 2.5, "plan": "pro", "noise": 0.0}, k=3))
    assert factors["visits"] > 0.5
    assert factors["plan"] > 0


def test_excluded_and_constant_columns_are_never_features(
    data: tuple[pd.DataFrame, np.ndarray],
) -> None:
    frame, _ = data
    frame = frame.assign(always="same")
    model = train(frame, "converted", exclude=EXCLUDE)
    assert set(model.spec.columns) == {"visits", "plan", "noise"}
    assert model.spec.excluded["always"].startswith("constant")
    prep_inputs = set(_fitted_inputs(model))
    assert prep_inputs == {"visits", "plan", "noise"}


def _fitted_inputs(model: object) -> list[str]:
    estimator = model.estimator  # type: ignore[attr-defined]
    if hasattr(estimator, "calibrated_classifiers_"):
        estimator = estimator.calibrated_classifiers_[0].estimator
    return list(estimator.named_steps["prep"].feature_names_in_)


def test_unknown_categories_and_missing_columns_still_predict(
    data: tuple[pd.DataFrame, np.ndarray],
) -> None:
    frame, _ = data
    for kind in ("logistic", "gbm"):
        model = train(frame, "converted", exclude=EXCLUDE, model=kind)  # type: ignore[arg-type]
        p = model.predict_proba([{"visits": 0.0, "plan": "enterprise"}, {"plan": None}])
        assert np.all((p > 0) & (p < 1))


def test_auto_choice_and_evaluation_are_deterministic(
    data: tuple[pd.DataFrame, np.ndarray],
) -> None:
    frame, _ = data
    first = evaluate(frame, "converted", exclude=EXCLUDE).to_dict()
    second = evaluate(frame, "converted", exclude=EXCLUDE).to_dict()
    assert first == second
    assert first["n_train"] == 1050 and first["n_test"] == 450
    assert first["model"] in ("logistic", "gbm")
    assert first["auc"] == first["candidates"][first["model"]]["auc"]
    assert "leaky" not in first["features"]


def test_bad_targets_are_refused(data: tuple[pd.DataFrame, np.ndarray]) -> None:
    frame, _ = data
    with pytest.raises(InputError, match="not in the data"):
        FeatureSpec.from_frame(frame, "nope")
    with pytest.raises(InputError, match="0/1"):
        train(frame.assign(converted=frame["converted"] * 2), "converted", exclude=EXCLUDE)
    with pytest.raises(InputError, match="at least 20"):
        train(frame.iloc[:5], "converted", exclude=EXCLUDE)
