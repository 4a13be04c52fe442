"""On the real 2023-24 PRA lines the default pricing is not behind the de-vigged market, nor behind a coin.

The real box scores and the 10 books' lines in ``../shared/data`` are walked through 2023-24 exactly as
``nba-pra market`` does (the same inputs, joins, walk-forward predictions and replay), with a cheaper model so the
test stays short: nine-weekly retrains of a 2-fold, 40-round ensemble on the seasons before each block.
The default pricing (``market_aware``) is scored on every decided prop: its log loss must not exceed the
market's, nor ``ln 2`` (a coin flip). With the raw model in its place the first assertion fails (log loss 0.72).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from nba_pra.betting.settings import PricingMethod
from nba_pra.config import load_project
from nba_pra.evaluation.predictions import history_features
from nba_pra.evidence.gate_figures import evidence_before
from nba_pra.evidence.replay import replay
from nba_pra.market_eval.books import book_quality
from nba_pra.market_eval.inputs import load_inputs
from nba_pra.market_eval.predictions import walk_forward

pytestmark = pytest.mark.slow

#: two seasons of history before 2023-24 are enough for this cheap model (the benchmark uses three)
SEASONS = ("2021-22", "2022-23", "2023-24")
CHEAP = ["backtest.retrain_every_days=63", "backtest.model.n_folds=2", "backtest.model.mean_rounds=40",
         "backtest.model.variance_rounds=20", "market.season=2023-24"]


def test_market_aware_pricing_is_not_behind_the_market_or_a_coin_on_real_2023_24_lines(
        shared_data: Path, tmp_project: Path) -> None:
    box = pd.read_parquet(shared_data / "box_scores_2012-13_to_2023-24.parquet")
    recent = tmp_project / "box.parquet"
    box.loc[box["season"].isin(SEASONS)].to_parquet(recent)
    project = load_project(tmp_project, [f"market.box_scores={recent}",
                                         f"market.lines={shared_data / 'pra_lines_2023-24.csv'}", *CHEAP])
    s = project.settings
    assert s.pricing.method is PricingMethod.MARKET_AWARE
    inputs = load_inputs(project)
    books = book_quality(inputs.lines, s.market.sanity_min_offers)
    lines = inputs.lines.loc[~inputs.lines["bookmaker"].isin(books.loc[books["inverted"], "bookmaker"])]
    predictions, _ = walk_forward(project, inputs.box_scores, history_features(inputs.box_scores, s),
                                  inputs.start, inputs.end)
    methods = (PricingMethod.MARKET_AWARE, PricingMethod.MODEL)
    rep = replay(predictions, lines, inputs.box_scores, s.betting, s.pricing, s.model.over_calibration, methods)
    after = inputs.end + pd.Timedelta(days=1)
    season = dataclasses.replace(s.betting.evidence, window_days=(after - inputs.start).days)
    whole = evidence_before(rep, after, season, s.backtest.bootstrap, s.seed, source="market", synthetic=False,
                            methods=methods)
    aware, model = whole.methods["market_aware"], whole.methods["model"]
    assert aware.props > 4000  # the season's decided props, not a sliver of it
    assert aware.logloss <= aware.market_logloss
    assert aware.logloss <= np.log(2.0)
    assert model.logloss > model.market_logloss  # the raw model is behind the market: the test can tell
