"""Folds are split by date, validate strictly after training with the embargo, and are never tiny."""

from __future__ import annotations

import itertools

import pandas as pd
import pytest

from nba_pra.errors import DataError
from nba_pra.model.folds import make_folds
from nba_pra.model.settings import CvSettings, FoldScheme, WindowSettings
from settings_support import conf


def _dates(n_days: int, per_day: int = 3) -> pd.Series:
    days = pd.date_range("2022-01-01", periods=n_days, freq="D")
    return pd.Series(days.repeat(per_day))


def test_every_fold_validates_strictly_after_its_training_with_the_embargo() -> None:
    dates = _dates(400)
    as_of = pd.Timestamp("2023-02-05")
    cv = conf(CvSettings, n_folds=19, embargo_days=2, variance_warmup_blocks=1)
    folds = make_folds(dates, as_of, conf(WindowSettings, n_seasons=1, days_per_season=365), cv)
    assert len(folds) == 20
    assert [f.is_warmup for f in folds] == [True] + [False] * 19
    for fold in folds:
        assert fold.train_end <= fold.valid_start - pd.Timedelta(days=2)
        assert fold.valid_end < as_of
    # validation blocks tile the second half of the window without overlap
    for a, b in itertools.pairwise(folds):
        assert a.valid_end < b.valid_start


def test_no_fold_trains_on_less_than_the_minimum_share_of_the_window() -> None:
    dates = _dates(300)
    folds = make_folds(dates, pd.Timestamp("2022-10-28"), conf(WindowSettings, n_seasons=1, days_per_season=365),
                       conf(CvSettings, n_folds=5))
    window_days = 300
    for fold in folds:
        assert (fold.train_end - fold.train_start).days + 1 >= 0.5 * window_days - 2


def test_the_window_drops_history_older_than_its_seasons() -> None:
    dates = _dates(1000)
    as_of = pd.Timestamp("2024-09-27")
    folds = make_folds(dates, as_of, conf(WindowSettings, n_seasons=1, days_per_season=200),
                       conf(CvSettings, n_folds=4))
    assert folds[0].train_start >= as_of - pd.Timedelta(days=200)


def test_sliding_folds_keep_the_first_training_span() -> None:
    dates = _dates(300)
    cv = conf(CvSettings, n_folds=6, scheme=FoldScheme.SLIDING, embargo_days=1)
    folds = make_folds(dates, pd.Timestamp("2022-10-28"), conf(WindowSettings, n_seasons=1, days_per_season=365), cv)
    spans = {(f.train_end - f.train_start).days for f in folds}
    assert len(spans) == 1
    assert folds[-1].train_start > folds[0].train_start


def test_too_little_history_for_the_folds_is_a_clear_error() -> None:
    with pytest.raises(DataError, match="cannot hold"):
        make_folds(_dates(20), pd.Timestamp("2022-01-21"), conf(WindowSettings, n_seasons=1, days_per_season=365),
                   conf(CvSettings, n_folds=19))
