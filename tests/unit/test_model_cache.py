"""The walk-forward's model cache: a retrain block's ensemble is stored as XGBoost JSON and found again under a key
that sees the box scores up to the retrain day and nothing after it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xgboost as xgb

from nba_pra.evaluation.cache import PredictionCache, frame_fingerprint, row_hashes, rows_fingerprint
from nba_pra.evaluation.predictions import WalkForwardCache
from nba_pra.model.ensemble import Ensemble
from nba_pra.model.recalibration import PlattMap

D = pd.Timestamp
MATERIAL = {"seed": 3, "retrain_every_days": 7, "start": D("2024-01-01"), "end": D("2024-01-20"),
            "box_scores": "whole-range fingerprint"}


def tiny_ensemble(seed: int) -> Ensemble:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(40, 2))
    dm = xgb.DMatrix(x, label=x[:, 0] * 3 + 20, feature_names=["a", "b"])
    booster = xgb.train({"max_depth": 2, "seed": seed}, dm, num_boost_round=3)
    return Ensemble(["a", "b"], [booster], [booster], [1.5], 0.25, PlattMap())


def box(days: int) -> pd.DataFrame:
    dates = pd.date_range("2024-01-01", periods=days, freq="D")
    return pd.DataFrame({"game_date": dates, "player_id": np.arange(days), "pts": np.arange(days, dtype=float)})


def test_a_stored_ensemble_predicts_exactly_what_the_fitted_one_did(tmp_path) -> None:  # type: ignore[no-untyped-def]
    cache = PredictionCache(tmp_path)
    assert cache.load_model("k") is None
    fitted = tiny_ensemble(1)
    cache.store_model("k", fitted, {"seed": 1})
    rows = pd.DataFrame({"a": [-1.0, 0.0, 2.5], "b": [0.3, -0.7, 1.1]})
    pd.testing.assert_frame_equal(cache.load_model("k").predict(rows), fitted.predict(rows))
    assert (tmp_path / "model-k" / "material.json").is_file()
    assert not list(tmp_path.glob(".model-k.*"))  # no temp folder left behind


def test_an_ensemble_moved_as_its_files_predicts_exactly_what_it_did() -> None:
    fitted = tiny_ensemble(2)
    files = fitted.to_files()
    assert sorted(files) == ["manifest.json", "mean_00.json", "variance_00.json"]  # its own JSON, no pickle
    rows = pd.DataFrame({"a": [-1.0, 0.0, 2.5], "b": [0.3, -0.7, 1.1]})
    pd.testing.assert_frame_equal(Ensemble.from_files(files).predict(rows), fitted.predict(rows))


def test_rows_after_the_retrain_day_reuse_the_model_and_an_earlier_change_refits(tmp_path) -> None:  # type: ignore[no-untyped-def]
    store = PredictionCache(tmp_path)
    fits: list[pd.Timestamp] = []
    day = D("2024-01-08")

    def model_memo(material: dict, box_scores: pd.DataFrame):  # type: ignore[no-untyped-def,type-arg]
        """The walk-forward's use of the cache: the stored model, else a fit stored under the block's key."""
        cache = WalkForwardCache(store, material, box_scores)

        def load_or_fit(day: pd.Timestamp, fit) -> Ensemble:  # type: ignore[no-untyped-def]
            found = cache.model(day)
            if found is None:
                found = fit()
                cache.store_model(day, found)
            return found
        return load_or_fit

    def fit_for(seed: int):  # type: ignore[no-untyped-def]
        def fit() -> Ensemble:
            fits.append(day)
            return tiny_ensemble(seed)
        return fit

    short, longer = box(9), box(12)  # both hold every row up to and including the retrain day
    model_memo(MATERIAL, short)(day, fit_for(1))
    assert len(fits) == 1
    reused = model_memo(MATERIAL, longer)(day, fit_for(2))
    assert len(fits) == 1  # later rows are not in the key: no refit
    rows = pd.DataFrame({"a": [0.5], "b": [0.5]})
    pd.testing.assert_frame_equal(reused.predict(rows), tiny_ensemble(1).predict(rows))  # the first fit's model

    before_the_day = box(7)  # the morning of the retrain day: its games not played yet
    model_memo(MATERIAL, before_the_day)(day, fit_for(3))
    assert len(fits) == 1  # the fit reads only earlier rows: the model fitted that morning serves the block
    on_the_day = longer.copy()
    on_the_day.loc[on_the_day["game_date"] == day, "pts"] = 99.0  # the day's results are hidden from its fit
    model_memo(MATERIAL, on_the_day)(day, fit_for(4))
    assert len(fits) == 1
    corrected = longer.copy()
    corrected.loc[0, "pts"] = 50.0  # an early result corrected
    model_memo(MATERIAL, corrected)(day, fit_for(5))
    assert len(fits) == 2
    model_memo({**MATERIAL, "seed": 4}, longer)(day, fit_for(6))  # other settings, other model
    assert len(fits) == 3


def test_a_fingerprint_of_some_rows_from_the_whole_frames_row_hashes_is_the_frames_fingerprint_of_those_rows(
) -> None:
    frame = pd.DataFrame({
        "game_date": pd.date_range("2024-01-01", periods=6, freq="D"),
        "player": pd.Series(["a", "b", "c", "a", "b", "d"], dtype="string"),
        "team": pd.Categorical(["x", "y", "x", "z", "y", "x"]),
        "pts": [1.0, np.nan, 3.5, 0.0, -2.0, 7.0],
        "played": [True, False, True, True, True, False],
        "minutes": np.arange(6),
    })
    hashes = row_hashes(frame)
    for keep in ([True] * 6, [True, True, True, False, False, False], [False, True, False, True, False, True]):
        mask = np.array(keep)
        assert rows_fingerprint(frame.columns, hashes[mask]) == frame_fingerprint(frame.loc[mask])
    assert frame_fingerprint(frame.iloc[:3]) != frame_fingerprint(frame.iloc[1:4])


def test_the_block_starting_on_the_models_retrain_day_is_fitted_that_morning_and_serves_its_later_days(
        tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Evidence blocks start on the training window's ends; on the morning of a retrain day (its games not played
    yet) the walk-forward fits that day's block, so the following days of the block fit nothing."""
    from nba_pra.data.schema import PLAYER_GAME_COLUMNS
    from nba_pra.evaluation.walkforward import BlockFit, walk_forward_predictions
    from nba_pra.model.settings import DistributionSettings
    from settings_support import conf

    def features(days: int) -> pd.DataFrame:
        dates = pd.date_range("2024-01-01", periods=days, freq="D")
        frame = pd.DataFrame(dict.fromkeys(PLAYER_GAME_COLUMNS, "x"), index=range(days))
        return frame.assign(game_date=dates, player_id=np.arange(days), home=True, n_prior_games=10, eligible=True,
                            is_slate=False, a=np.arange(days) / 30.0, b=0.5)

    fitted: list[pd.Timestamp] = []

    def executor(fit, history, days):  # type: ignore[no-untyped-def]
        for day in days:
            assert history["game_date"].max() < day or day in set(history["game_date"])
            fitted.append(day)
            yield day, tiny_ensemble(int(day.day))

    fit = BlockFit(feature_names=["a", "b"], window=None, cv=None, model=None,  # type: ignore[arg-type]
                   distribution=conf(DistributionSettings), seed=1)
    store = PredictionCache(tmp_path)

    def run(days: int, anchors: list[pd.Timestamp]) -> pd.DataFrame:
        feats = features(days)
        box_scores = feats.loc[:, ["game_date", "player_id", "a"]]
        end = feats["game_date"].max()
        return walk_forward_predictions(feats, fit, start=D("2024-01-01"), end=end, retrain_every_days=7,
                                        anchors=anchors, cache=WalkForwardCache(store, MATERIAL, box_scores),
                                        executor=executor)

    # the morning of Jan 15 (games up to the 14th), the model's window moved to the 15th: blocks from Jan 1 and
    # Jan 8 (a week back from the anchor) are fitted and predicted, and the 15th's block is fitted ahead
    run(14, [D("2024-01-15")])
    assert fitted == [D("2024-01-01"), D("2024-01-08"), D("2024-01-15")]
    for days in (15, 16, 17):  # the days after: the 15th's block grows, its model comes from the cache
        out = run(days, [D("2024-01-15")])
        assert set(out.loc[out["game_date"] >= D("2024-01-15"), "retrain_date"]) == {D("2024-01-15")}
    assert fitted == [D("2024-01-01"), D("2024-01-08"), D("2024-01-15")]
    run(17, [D("2024-01-15"), D("2024-01-18")])  # the next window end: only its block is fitted ahead
    assert fitted[3:] == [D("2024-01-18")]


def test_prune_deletes_whole_entries_no_run_has_used_for_the_kept_days_and_a_hit_keeps_one(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import os
    import time

    cache = PredictionCache(tmp_path)
    frame = pd.DataFrame({"x": [1.0, 2.0]})
    cache.store("a" * 16, frame, MATERIAL)  # predictions: .parquet + .json
    cache.store("b" * 16, frame, MATERIAL)
    cache.store_frames("replay", "c" * 16, {"bets": frame, "targets": frame}, MATERIAL)  # 2 parts + material
    cache.store_model("d" * 16, tiny_ensemble(1), MATERIAL)  # a folder
    cache.store_record("evidence", "e" * 16, {"v": 1}, MATERIAL)
    (tmp_path / ".model-ffff.tmp").mkdir()  # a write in progress: never touched
    now = time.time()
    day = 86_400
    for path in tmp_path.iterdir():  # everything was last used 100 days ago ...
        os.utime(path, (now - 100 * day, now - 100 * day))
    assert cache.load("b" * 16) is not None  # ... except what this run reads now
    assert cache.load_model("d" * 16) is not None
    # a hit marks the access time only: the modification time still says when it was written
    assert (tmp_path / f"predictions-{'b' * 16}.parquet").stat().st_mtime == pytest.approx(now - 100 * day)

    report = cache.prune(keep_days=90, now=now)
    left = sorted(p.name for p in tmp_path.iterdir())
    # gone: predictions aaaa (2 files), replay cccc (3 files), evidence eeee; kept: the two hits and the temp folder
    assert report.entries == 3 and report.bytes > 0
    assert left == [".model-ffff.tmp", f"model-{'d' * 16}", f"predictions-{'b' * 16}.json",
                    f"predictions-{'b' * 16}.parquet"]
    # a longer memory keeps everything that is left; a missing folder prunes nothing
    assert cache.prune(keep_days=365, now=now).entries == 0
    assert PredictionCache(tmp_path / "none").prune(keep_days=1, now=now).entries == 0
