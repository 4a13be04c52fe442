"""The second architecture (LightGBM) trains the same folds, saves text model files, round-trips, is deterministic,
and the XGBoost backend makes exactly the calls the project made before the seam."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import lightgbm as lgb
import numpy as np
import pandas as pd
import pytest
import xgboost as xgb
from test_model_train import FEATURES, toy_features

from nba_pra.config import compose, settings_from_dict
from nba_pra.model.backends import LightGBMBackend, ModelKind, XGBoostBackend
from nba_pra.model.ensemble import MANIFEST, MIN_MEAN, Ensemble
from nba_pra.model.settings import CvSettings, DistributionSettings, WindowSettings
from nba_pra.model.train import train_ensemble
from settings_support import PROJECT_ROOT, conf


def _lightgbm_model(**overrides):
    """conf/model/lightgbm.yaml as composed (``model=lightgbm``), lightened for a toy league."""
    model = settings_from_dict(compose(PROJECT_ROOT, ["model=lightgbm"])).model
    return dataclasses.replace(model, mean_rounds=30, variance_rounds=15, **overrides)


def _train(feats: pd.DataFrame, seed: int = 7, **overrides):
    return train_ensemble(
        feats, FEATURES,
        window=conf(WindowSettings, n_seasons=1, days_per_season=365),
        cv=conf(CvSettings, n_folds=4, embargo_days=1, variance_warmup_blocks=1),
        model=_lightgbm_model(**overrides),
        distribution=conf(DistributionSettings),
        seed=seed,
    )


@pytest.fixture(scope="module")
def lightgbm_trained():
    feats = toy_features()
    return feats, _train(feats)


def test_the_lightgbm_option_composes_as_its_own_architecture() -> None:
    model = _lightgbm_model()
    assert model.kind is ModelKind.LIGHTGBM
    # determinism is configured, not left to LightGBM's defaults
    for params in (model.mean_params, model.variance_params):
        assert params["deterministic"] is True and params["force_col_wise"] is True
        assert params["num_threads"] >= 1
    default = settings_from_dict(compose(PROJECT_ROOT)).model
    assert default.kind is ModelKind.XGBOOST
    # the shared values come from conf/model/common/default.yaml: the same for both architectures
    for name in ("min_variance_ratio", "variance_log_offset", "over_calibration", "evaluation", "retrain_every_days"):
        assert getattr(model, name) == getattr(default, name), name


def test_lightgbm_trains_the_same_folds_and_learns_the_signal(lightgbm_trained) -> None:
    feats, result = lightgbm_trained
    assert result.ensemble.architecture is ModelKind.LIGHTGBM
    assert len(result.folds) == 4 and len(result.ensemble.mean_models) == 4
    assert all(isinstance(m, lgb.Booster) for m in [*result.ensemble.mean_models, *result.ensemble.variance_models])
    for fr in result.folds:
        assert result.oof.loc[result.oof["block"] == fr.fold.index, "game_date"].min() > fr.fold.train_end
        assert fr.variance_train_end < fr.fold.valid_start
    oof = result.oof
    constant_mae = np.mean(np.abs(oof["y"] - feats["target_pra"].mean()))
    assert np.mean(np.abs(oof["y"] - oof["mean"])) < 0.7 * constant_mae
    # the toy's true variance is 2.5 x the mean
    assert 1.5 < float(np.mean(oof["var"]) / np.mean(oof["mean"])) < 4.0


def test_the_same_seed_gives_identical_lightgbm_predictions_and_another_seed_does_not(lightgbm_trained) -> None:
    feats, result = lightgbm_trained
    slate = feats[feats["is_slate"]]
    again = _train(feats)
    pd.testing.assert_frame_equal(again.oof, result.oof)
    pd.testing.assert_frame_equal(again.ensemble.predict(slate), result.ensemble.predict(slate))
    other = _train(feats, seed=8)  # bagging and column sampling draw other rows and columns
    assert not np.array_equal(other.oof["mean"].to_numpy(), result.oof["mean"].to_numpy())


def test_a_lightgbm_ensemble_round_trips_through_text_model_files(lightgbm_trained, tmp_path: Path) -> None:
    feats, result = lightgbm_trained
    result.ensemble.save(tmp_path / "ens")
    files = sorted(p.name for p in (tmp_path / "ens").iterdir())
    assert files == sorted([MANIFEST, *(f"{kind}_{k:02d}.txt" for kind in ("mean", "variance") for k in range(4))])
    assert json.loads((tmp_path / "ens" / MANIFEST).read_text())["architecture"] == "lightgbm"
    assert (tmp_path / "ens" / "mean_00.txt").read_text().startswith("tree\n")  # LightGBM's own text format
    slate = feats[feats["is_slate"]]
    loaded = Ensemble.load(tmp_path / "ens")
    assert loaded.architecture is ModelKind.LIGHTGBM
    pd.testing.assert_frame_equal(loaded.predict(slate), result.ensemble.predict(slate))
    # independently: LightGBM's own loader, averaged by hand, gives the served mean
    X = slate[result.ensemble.feature_names].to_numpy(np.float32)
    by_hand = np.mean([lgb.Booster(model_file=str(tmp_path / "ens" / f"mean_{k:02d}.txt")).predict(X)
                       for k in range(4)], axis=0)
    np.testing.assert_allclose(loaded.predict(slate)["mean"], np.maximum(by_hand, MIN_MEAN), rtol=1e-12)


def test_an_ensemble_saved_before_architectures_existed_loads_as_xgboost(tmp_path: Path) -> None:
    feats = toy_features(n_players=10, n_days=60)
    X = feats.loc[~feats["is_slate"], FEATURES].to_numpy(np.float32)
    y = feats.loc[~feats["is_slate"], "target_pra"].to_numpy(float)
    booster = xgb.train({"max_depth": 2, "nthread": 1}, xgb.DMatrix(X, label=y, feature_names=FEATURES), 5)
    ens = tmp_path / "old"
    ens.mkdir()
    booster.save_model(str(ens / "mean_00.json"))
    booster.save_model(str(ens / "variance_00.json"))
    (ens / MANIFEST).write_text(json.dumps({"feature_names": FEATURES, "n_models": 1, "smearing": [1.0],
                                            "min_variance_ratio": 0.25}))
    loaded = Ensemble.load(ens)
    assert loaded.architecture is ModelKind.XGBOOST
    slate = feats[feats["is_slate"]]
    expected = booster.predict(xgb.DMatrix(slate[FEATURES].astype("float32"), feature_names=FEATURES))
    np.testing.assert_allclose(loaded.predict(slate)["mean"], np.maximum(expected, MIN_MEAN))


def test_lightgbm_screening_keeps_the_informative_feature(lightgbm_trained) -> None:
    feats, _ = lightgbm_trained
    result = _train(feats, screen_keep=1)
    assert result.ensemble.feature_names == ["f_skill"]
    gains = result.feature_importance.set_index("feature")["gain"]
    assert gains["f_skill"] > 0 and gains["f_noise"] == 0 and gains["f_rest"] == 0


def test_lightgbm_gain_is_the_split_gain_summed_or_averaged_per_feature() -> None:
    rng = np.random.default_rng(3)
    X = rng.normal(size=(2000, 3)).astype(np.float32)
    y = 3 * X[:, 0] + 0.5 * X[:, 1] + rng.normal(size=2000)
    backend = LightGBMBackend()
    params = {"objective": "regression", "num_leaves": 4, "verbosity": -1, "deterministic": True,
              "force_col_wise": True, "num_threads": 1}
    model = backend.fit(params, X, y, rounds=10, seed=1, max_bin=32, names=["a", "b", "c"])
    # independently, from the trees themselves
    splits = model.trees_to_dataframe().dropna(subset=["split_feature"])
    by_feature = splits.groupby("split_feature")["split_gain"]
    total, mean = backend.gain(model, ["a", "b", "c"], total=True), backend.gain(model, ["a", "b", "c"], total=False)
    assert set(total) == set(by_feature.groups)
    for name in total:
        assert total[name] == pytest.approx(by_feature.sum()[name], rel=1e-6)
        assert mean[name] == pytest.approx(by_feature.mean()[name], rel=1e-6)


def test_the_xgboost_backend_fits_exactly_as_a_direct_xgboost_call() -> None:
    """The seam changed no call: same QuantileDMatrix, explicit base_score, seed and max_bin -> same trees."""
    rng = np.random.default_rng(4)
    X = rng.normal(size=(3000, 4)).astype(np.float32)
    y = 10 + 2 * X[:, 0] + rng.normal(size=3000)
    params = {"objective": "reg:squarederror", "eta": 0.1, "max_depth": 3, "subsample": 0.8, "nthread": 1,
              "tree_method": "hist"}
    backend = XGBoostBackend()
    ref = backend.reference(X[:1000], 32, params)
    got = backend.fit(params, X[500:], y[500:], rounds=20, seed=11, max_bin=32, names=list("abcd"), ref=ref)
    direct_ref = xgb.QuantileDMatrix(X[:1000], max_bin=32)
    data = xgb.QuantileDMatrix(X[500:], label=y[500:], ref=direct_ref, max_bin=32)
    direct = xgb.train({**params, "seed": 11, "base_score": float(np.mean(y[500:])), "max_bin": 32}, data,
                       num_boost_round=20)
    np.testing.assert_array_equal(backend.predict(got, X), direct.inplace_predict(X).astype(float))
