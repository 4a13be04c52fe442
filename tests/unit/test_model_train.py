"""The fold ensemble learns signal, scores only out-of-fold rows, and round-trips through MLflow by alias."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from nba_pra.errors import ModelNotFoundError
from nba_pra.evaluation.walkforward import BlockFit
from nba_pra.model.ensemble import Ensemble
from nba_pra.model.settings import CvSettings, DistributionSettings, ModelSettings, WindowSettings
from nba_pra.model.train import train_ensemble
from nba_pra.tracking.client import Tracker, resolve_tracking_uri
from nba_pra.tracking.promotion import decide
from nba_pra.tracking.settings import TrackingSettings
from settings_support import conf

FEATURES = ["f_skill", "f_noise", "f_rest"]
_PARAMS = {"objective": "reg:squarederror", "eta": 0.3, "max_depth": 3, "nthread": 1, "tree_method": "hist"}


def toy_features(n_players: int = 40, n_days: int = 240, seed: int = 0) -> pd.DataFrame:
    """Players with a stable skill; PRA ~ NegBin around it; the last day is an unplayed slate."""
    rng = np.random.default_rng(seed)
    days = pd.date_range("2022-10-01", periods=n_days, freq="D")
    skill = rng.uniform(8, 40, n_players)
    grid = pd.MultiIndex.from_product([days, range(n_players)], names=["game_date", "player_id"]).to_frame(index=False)
    grid = grid[(grid["game_date"].dt.day_of_year + grid["player_id"]) % 2 == 0].reset_index(drop=True)
    s = skill[grid["player_id"]]
    grid["target_pra"] = rng.negative_binomial(s / 1.5, 1 / 2.5).astype(float)  # mean s, var 2.5 s
    grid["f_skill"] = s + rng.normal(0, 1, len(grid))
    grid["f_noise"] = rng.normal(size=len(grid))
    grid["f_rest"] = rng.integers(0, 4, len(grid)).astype(float)
    grid["game_id"] = grid["game_date"].dt.strftime("%Y%m%d")
    grid["played"] = True
    grid["is_slate"] = grid["game_date"] == days[-1]
    grid.loc[grid["is_slate"], "target_pra"] = np.nan
    grid.loc[grid["is_slate"], "played"] = False
    return grid


@pytest.fixture(scope="module")
def trained():
    feats = toy_features()
    result = train_ensemble(
        feats, FEATURES,
        window=conf(WindowSettings, n_seasons=1, days_per_season=365),
        cv=conf(CvSettings, n_folds=4, embargo_days=1, variance_warmup_blocks=1),
        model=conf(ModelSettings, mean_params=_PARAMS, variance_params=_PARAMS, mean_rounds=30, variance_rounds=15),
        distribution=conf(DistributionSettings),
        seed=7,
    )
    return feats, result


def test_every_scored_row_is_out_of_fold_and_after_its_training(trained) -> None:
    _, result = trained
    assert len(result.folds) == 4 and len(result.ensemble.mean_models) == 4
    for fr in result.folds:
        rows = result.oof[result.oof["block"] == fr.fold.index]
        assert len(rows) == fr.n_valid > 0
        assert rows["game_date"].min() > fr.fold.train_end
    assert result.oof["var"].notna().all()


def test_variance_targets_are_out_of_fold_residuals_of_earlier_blocks_only(trained) -> None:
    _, result = trained
    for k, fr in enumerate(result.folds):
        # trained on blocks before this one (warm-up included): every row was predicted by a model that never
        # saw it, and none is dated in or after the block it is scored on
        assert fr.variance_train_end < fr.fold.valid_start
        # every variance model starts from the warm-up block's out-of-fold rows, never the in-sample history
        assert fr.variance_train_start == result.folds[0].variance_train_start
        assert fr.variance_train_start > result.folds[0].fold.train_start
        assert fr.n_variance_train > 0
        earlier = list(result.folds[:k])
        assert fr.n_variance_train >= sum(f.n_valid for f in earlier)


def test_the_ensemble_beats_the_grand_mean_and_its_variance_tracks_the_truth(trained) -> None:
    feats, result = trained
    oof = result.oof
    constant_mae = np.mean(np.abs(oof["y"] - feats["target_pra"].mean()))
    assert result.overall_metrics(conf(DistributionSettings).family)["mae"] < 0.7 * constant_mae
    # true variance is 2.5 x mean: the out-of-fold variance model should be in that neighbourhood on average
    ratio = float(np.mean(oof["var"]) / np.mean(oof["mean"]))
    assert 1.5 < ratio < 4.0


def test_training_is_reproducible_with_the_same_seed(trained) -> None:
    feats, result = trained
    again = train_ensemble(
        feats, FEATURES,
        window=conf(WindowSettings, n_seasons=1, days_per_season=365),
        cv=conf(CvSettings, n_folds=4, embargo_days=1, variance_warmup_blocks=1),
        model=conf(ModelSettings, mean_params=_PARAMS, variance_params=_PARAMS, mean_rounds=30, variance_rounds=15),
        distribution=conf(DistributionSettings),
        seed=7,
    )
    pd.testing.assert_frame_equal(result.fold_table(), again.fold_table())


def test_ensemble_round_trips_through_json_files(trained, tmp_path: Path) -> None:
    feats, result = trained
    result.ensemble.save(tmp_path / "ens")
    assert not list((tmp_path / "ens").glob("*.pkl"))
    loaded = Ensemble.load(tmp_path / "ens")
    slate = feats[feats["is_slate"]]
    pd.testing.assert_frame_equal(loaded.predict(slate), result.ensemble.predict(slate))


def test_registry_aliases_first_version_champion_then_challenger(trained, tmp_path: Path) -> None:
    from mlflow.models import infer_signature

    feats, result = trained
    tracker = Tracker(conf(TrackingSettings, uri="sqlite:///mlflow.db", experiment="t", model_name="toy"), tmp_path)
    assert tracker.uri == f"sqlite:///{tmp_path.resolve()}/mlflow.db"
    with pytest.raises(ModelNotFoundError, match="train one first"):
        tracker.resolve("champion")
    example = feats[FEATURES].head(3).astype("float64")
    versions = []
    for _ in range(2):
        with tracker.start_run("train") as run:
            tracker.log_metrics([("crps", 1.0, 0)])
            result.ensemble.save(tmp_path / f"ens{len(versions)}")
            versions.append(
                tracker.log_pyfunc_and_register(
                    python_model=Path(__import__("nba_pra.model.pyfunc_model", fromlist=["x"]).__file__),
                    artifacts={"ensemble": str(tmp_path / f"ens{len(versions)}")},
                    signature=infer_signature(example, result.ensemble.predict(example)),
                    input_example=example,
                    run_id=run.info.run_id,
                ).version
            )
    assert tracker.resolve("champion").version == versions[0] == "1"
    assert tracker.resolve("challenger").version == versions[1] == "2"
    model, resolved = tracker.load_pyfunc("champion")
    slate = feats[feats["is_slate"]][FEATURES].astype("float64")
    got = model.predict(slate)
    np.testing.assert_allclose(got["mean"].to_numpy(), result.ensemble.predict(slate)["mean"].to_numpy(), rtol=1e-6)
    assert resolved.model_uri == "models:/toy@champion"
    assert tracker.version_metrics("2") == {"crps": 1.0}


def test_non_sqlite_tracking_uris_are_kept_as_given(tmp_path: Path) -> None:
    assert resolve_tracking_uri("http://127.0.0.1:5000", tmp_path) == "http://127.0.0.1:5000"
    assert resolve_tracking_uri("sqlite:////abs/x.db", tmp_path) == "sqlite:////abs/x.db"


def test_a_dvc_experiment_workspace_logs_into_the_real_projects_tracking_db(tmp_path: Path) -> None:
    workspace = tmp_path / "repo" / ".dvc" / "tmp" / "exps" / "tmpab12cd"
    workspace.mkdir(parents=True)
    assert resolve_tracking_uri("sqlite:///mlflow.db", workspace) == f"sqlite:///{tmp_path / 'repo' / 'mlflow.db'}"
    elsewhere = tmp_path / "repo" / "exps"
    elsewhere.mkdir()
    assert resolve_tracking_uri("sqlite:///mlflow.db", elsewhere) == f"sqlite:///{elsewhere / 'mlflow.db'}"


@pytest.mark.parametrize(
    ("cand", "champ", "margin", "force", "expected"),
    [
        (1.0, 2.0, 0.0, False, True),
        (2.0, 1.0, 0.0, False, False),
        (0.99, 1.0, 0.05, False, False),  # better, but not by the 5 % margin
        (0.94, 1.0, 0.05, False, True),
        (2.0, 1.0, 0.0, True, True),
        (1.0, None, 0.0, False, True),
        (None, 1.0, 0.0, False, False),
    ],
)
def test_promotion_rule(cand, champ, margin, force, expected) -> None:
    assert decide(cand, champ, margin=margin, force=force)[0] is expected


@pytest.mark.parametrize(
    ("cand", "champ", "margin", "expected"),
    [
        # the raw floats, as a sentence: rounded scores and the gap that rounding hides
        (3.9691686741245418, 3.9619566288261385, 0.0,
         "challenger CRPS 3.969 is not below the champion's 3.962 (worse by 0.0072; lower is better)"),
        (3.9, 4.0, 0.0, "challenger CRPS 3.900 beats the champion's 4.000 (better by 0.1)"),
        (0.99, 1.0, 0.05,
         "challenger CRPS 0.990 is not below the champion's 1.000 by the 5.0% margin (needs below 0.950) "
         "(better by 0.01; lower is better)"),
    ],
)
def test_a_promotion_reason_is_a_sentence_with_rounded_scores(cand, champ, margin, expected) -> None:
    assert decide(cand, champ, margin=margin, force=False, metric="crps")[1] == expected


def test_promotion_window_keeps_only_rows_both_versions_held_out_in_the_recent_days() -> None:
    from nba_pra.tracking.promotion import common_window

    days = pd.date_range("2024-01-01", periods=100, freq="D")
    cand = pd.DataFrame({"game_id": [str(i) for i in range(100)], "player_id": 1, "game_date": days,
                         "y": 20.0, "mean": 21.0, "var": 30.0})
    champ = cand.iloc[:80].assign(mean=25.0)  # the champion's out-of-fold rows end 20 days earlier
    both = common_window(cand, champ, window_days=30)
    assert both["game_date"].min() > days[79] - pd.Timedelta(days=30)
    assert both["game_date"].max() == days[79]
    assert (both["mean_cand"] == 21.0).all() and (both["mean_champ"] == 25.0).all()
    assert common_window(cand, champ.assign(player_id=2), 30).empty


def _train(feats: pd.DataFrame, **model_overrides) -> object:
    return train_ensemble(
        feats, FEATURES,
        window=conf(WindowSettings, n_seasons=1, days_per_season=365),
        cv=conf(CvSettings, n_folds=4, embargo_days=1, variance_warmup_blocks=1),
        model=conf(ModelSettings, mean_params=_PARAMS, variance_params=_PARAMS, mean_rounds=30, variance_rounds=15,
                            **model_overrides),
        distribution=conf(DistributionSettings),
        seed=7,
    )


def test_a_blocks_predictions_never_depend_on_later_games(trained) -> None:
    """Rewrite every result and feature dated after block 2: blocks up to 2 are predicted exactly as before
    (this also guards the shared histogram bins, which must come from early rows only)."""
    feats, result = trained
    block = result.folds[1].fold
    later = (feats["game_date"] > block.valid_end) & ~feats["is_slate"]
    rng = np.random.default_rng(99)
    changed = feats.copy()
    changed.loc[later, "target_pra"] = rng.integers(0, 80, int(later.sum())).astype(float)
    changed.loc[later, FEATURES] = rng.normal(0, 50, (int(later.sum()), len(FEATURES)))
    again = _train(changed)
    keep = result.oof["block"] <= block.index
    pd.testing.assert_frame_equal(again.oof[again.oof["block"] <= block.index], result.oof[keep])
    assert not again.oof[~keep]["mean"].equals(result.oof[~keep]["mean"])


def test_screening_keeps_the_informative_feature_and_the_ensemble_uses_only_it(trained) -> None:
    feats, _ = trained
    result = _train(feats, screen_keep=1)
    assert result.ensemble.feature_names == ["f_skill"]
    gains = result.feature_importance.set_index("feature")["gain"]
    assert set(gains.index) == set(FEATURES)
    assert gains["f_skill"] > 0 and gains["f_noise"] == 0 and gains["f_rest"] == 0
    assert result.ensemble.predict(feats[feats["is_slate"]].drop(columns=["f_noise", "f_rest"]))["mean"].notna().all()


@pytest.mark.parametrize(
    ("lo", "hi", "threshold", "force", "expected"),
    [
        (-0.03, -0.01, 0.0, False, True),  # the whole interval below 0: better beyond noise
        (-0.03, 0.01, 0.0, False, False),  # includes 0: could be noise
        (0.01, 0.03, 0.0, False, False),  # worse
        (-0.03, -0.01, -0.02, False, False),  # better, but not by the configured threshold
        (-0.03, 0.01, 0.0, True, True),
    ],
)
def test_the_interval_rule_promotes_only_when_the_upper_bound_is_below_the_threshold(lo, hi, threshold, force,
                                                                                     expected) -> None:
    from nba_pra.tracking.promotion import decide_interval

    assert decide_interval((lo + hi) / 2, lo, hi, threshold=threshold, force=force)[0] is expected


def test_an_interval_reason_states_the_difference_and_its_interval() -> None:
    from nba_pra.tracking.promotion import decide_interval

    assert decide_interval(-0.0204, -0.0341, -0.0079, threshold=0.0, force=False, metric="crps")[1] == (
        "challenger - champion CRPS -0.020 [-0.034, -0.008]: the interval lies below +0.000, the challenger is better")
    assert decide_interval(0.002, -0.004, 0.008, threshold=0.0, force=False, metric="crps")[1] == (
        "challenger - champion CRPS +0.002 [-0.004, +0.008]: the interval reaches +0.000 or above, not a clear "
        "improvement (lower is better)")


def test_a_walk_forward_block_fitted_before_its_days_games_is_the_one_fitted_after_them() -> None:
    """The evidence stage fits the block starting on the model's retrain day that morning, before the day's games
    are history: the fit must read nothing of the day (its rows, their results) nor depend on when it ran."""
    feats = toy_features(n_days=120)
    day = pd.Timestamp(feats.loc[~feats["is_slate"], "game_date"].max())
    # no games the day before (a break), so "the day after the last game" is not the retrain day
    history = feats.loc[~feats["is_slate"] & (feats["game_date"] != day - pd.Timedelta(days=1))]
    # a 90-day window inside the 120 days: the as-of date decides the first training day
    fit = BlockFit(feature_names=FEATURES, window=conf(WindowSettings, n_seasons=1, days_per_season=90),
                   cv=conf(CvSettings, n_folds=4, embargo_days=1, variance_warmup_blocks=1),
                   model=conf(ModelSettings, mean_params=_PARAMS, variance_params=_PARAMS, mean_rounds=30,
                              variance_rounds=15),
                   distribution=conf(DistributionSettings), seed=7)
    after = fit(history, day)
    morning = fit(history.loc[history["game_date"] < day], day)
    rows = history.loc[history["game_date"] == day]
    pd.testing.assert_frame_equal(morning.predict(rows), after.predict(rows))
