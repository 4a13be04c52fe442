"""The market-aware blend as the bet stage uses it: which candidates it reprices, and how it is configured."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from nba_pra.betting.market_blend import BlendFit, MarketBlend, latest_fit
from nba_pra.config import load_project
from nba_pra.errors import ConfigError
from nba_pra.odds.market import DevigMethod
from nba_pra.stages.bet import load_market_blend

from conftest import copy_project


def _lines() -> pd.DataFrame:
    return pd.DataFrame({"game_id": ["g"] * 3, "player_id": [1, 1, 2], "bookmaker": ["A", "B", "A"],
                         "line": [20.5, 20.5, 30.0], "over_price": [-120, 100, -110], "under_price": [100, -120, -110],
                         "market": "player_points_rebounds_assists", "is_derived": False})


def _candidates() -> pd.DataFrame:
    return pd.DataFrame({"game_id": ["g", "g", "g"], "player_id": [1, 1, 2], "line": [20.5, 21.5, 30.0],
                         "p_over": [0.7, 0.6, 0.40], "p_under": [0.3, 0.4, 0.50], "p_push": [0.0, 0.0, 0.10]},
                        index=[10, 11, 12])


def test_the_market_itself_as_the_blend_reprices_quoted_lines_only() -> None:
    market_only = MarketBlend(BlendFit(0.0, 0.0, 1.0, 100), DevigMethod.MULTIPLICATIVE, 1e-6)
    out = market_only.apply(_candidates(), _lines())
    # books A and B at 20.5 are mirror images: their mean fair P(over) is one half
    assert out.loc[10, "p_over"] == pytest.approx(0.5) and out.loc[10, "p_under"] == pytest.approx(0.5)
    # nobody quotes 21.5: the model's numbers stay
    assert (out.loc[11, "p_over"], out.loc[11, "p_under"]) == (0.6, 0.4)
    # a whole line keeps the model's push probability and splits the rest by the market (-110/-110 = 0.5)
    assert out.loc[12, "p_push"] == 0.10
    assert out.loc[12, "p_over"] == pytest.approx(0.45) and out.loc[12, "p_under"] == pytest.approx(0.45)
    assert list(out.index) == [10, 11, 12]


def test_the_blend_formula_on_logits() -> None:
    fit = BlendFit(0.1, 0.5, 0.7, 100)
    out = MarketBlend(fit, DevigMethod.MULTIPLICATIVE, 1e-6).apply(_candidates(), _lines())
    model = np.log(0.7 / 0.3)
    expected = 1.0 / (1.0 + np.exp(-(0.1 + 0.5 * model + 0.7 * 0.0)))
    assert out.loc[10, "p_over"] == pytest.approx(expected)


def test_latest_fit_is_the_most_recent_block() -> None:
    fits = pd.DataFrame({"block_start": pd.to_datetime(["2024-02-01", "2024-01-01"]), "intercept": [0.2, 0.1],
                         "model_weight": [0.3, 0.0], "market_weight": [0.9, 1.0], "n_props": [5000, 3000]})
    assert latest_fit(fits) == BlendFit(0.2, 0.3, 0.9, 5000)


def test_the_bet_stage_loads_the_blend_only_when_enabled(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    assert load_market_blend(load_project(root)) is None
    enabled = load_project(root, ["betting.market_blend.enabled=true"])
    with pytest.raises(ConfigError, match="run `nba-pra market` first"):
        load_market_blend(enabled)
    fits = root / "reports" / "market" / "blend_fits.csv"
    fits.parent.mkdir(parents=True)
    pd.DataFrame({"block_start": ["2024-01-01"], "intercept": [0.0], "model_weight": [0.25],
                  "market_weight": [0.8], "n_props": [2000]}).to_csv(fits, index=False)
    blend = load_market_blend(enabled)
    assert blend is not None and blend.fit.model_weight == 0.25 and blend.devig is DevigMethod.MULTIPLICATIVE
