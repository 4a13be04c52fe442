"""Invariants of Kelly sizing and of the engine's stakes, over generated inputs."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from nba_pra.betting.engine import evaluate_candidates
from nba_pra.betting.kelly import expected_return, kelly_fraction
from settings_support import betting_settings, model_pricing

probability = st.floats(0.0, 1.0, allow_nan=False)
decimal = st.floats(1.01, 20.0, allow_nan=False)


@given(p_w=probability, p_p=probability, d=decimal)
def test_kelly_is_zero_exactly_when_the_edge_is_not_positive(p_w: float, p_p: float, d: float) -> None:
    p_p = p_p * (1 - p_w)
    p_l = 1 - p_w - p_p
    f = float(kelly_fraction(p_w, p_l, d))
    edge = float(expected_return(p_w, p_l, d))
    if edge <= 0:
        assert f == 0.0
    else:
        assert 0.0 < f <= 1.0


@given(p_w=st.floats(0.01, 0.98), shift=st.floats(0.0, 0.01), d=decimal)
def test_kelly_grows_with_the_win_probability_at_a_fixed_price(p_w: float, shift: float, d: float) -> None:
    # moving probability from loss to win raises the edge and never lowers the stake
    p_l = 1 - p_w
    assert kelly_fraction(p_w + shift, p_l - shift, d) >= kelly_fraction(p_w, p_l, d) - 1e-12


@st.composite
def slates(draw: st.DrawFn) -> tuple[pd.DataFrame, pd.DataFrame]:
    n = draw(st.integers(1, 25))
    seed = draw(st.integers(0, 2**31 - 1))
    rng = np.random.default_rng(seed)
    mean = rng.uniform(8, 50, n)
    std = mean * rng.uniform(0.1, 0.4, n)
    var = std**2
    day = pd.Timestamp("2024-01-05") + pd.to_timedelta(rng.integers(0, 2, n), unit="D")
    games = [f"G{g}" for g in rng.integers(0, 4, n)]
    preds = pd.DataFrame(
        {
            "game_id": games,
            "game_date": day,
            "season": "2023-24",
            "player_id": np.arange(n),
            "player_name": "x",
            "team": "A",
            "opponent": "B",
            "home": True,
            "position": "G",
            "n_prior_games": rng.integers(0, 40, n),
            "eligible": rng.random(n) > 0.1,
            "mean": mean,
            "var": var,
            "std": std,
            "cv": std / mean,
            "median": mean,
            "dist_family": "gamma",
            "dist_param_a": mean**2 / var,
            "dist_param_b": var / mean,
            "model_version": "1",
            "model_uri": "m",
        }
    )
    n_books = draw(st.integers(1, 3))
    rows = []
    for b in range(n_books):
        price = rng.choice([-250, -150, -120, -110, 100, 120, 200], size=(2, n))
        rows.append(
            pd.DataFrame(
                {
                    "game_id": preds.game_id,
                    "game_date": preds.game_date,
                    "player_id": preds.player_id,
                    "player_name": "x",
                    "bookmaker": f"b{b}",
                    "line": np.round(mean + rng.normal(0, std)) + rng.choice([0.0, 0.5], n),
                    "over_price": price[0],
                    "under_price": price[1],
                    "close_line": np.nan,
                    "close_over_price": np.nan,
                    "close_under_price": np.nan,
                }
            )
        )
    return preds, pd.concat(rows, ignore_index=True)


@settings(max_examples=40, deadline=None)
@given(
    slate=slates(),
    bankroll=st.floats(10.0, 1e6),
    kelly=st.floats(0.05, 1.0),
    min_conf=st.sampled_from([0.0, 0.3, 0.6]),
)
def test_engine_stakes_respect_every_cap_and_only_positive_kelly_bets(
    slate: tuple[pd.DataFrame, pd.DataFrame], bankroll: float, kelly: float, min_conf: float
) -> None:
    preds, lines = slate
    s = betting_settings(kelly_fraction=kelly, min_confidence=min_conf)
    out = evaluate_candidates(preds, lines, s, bankroll, **model_pricing())
    bets = out[out["decision"] == "bet"]
    tol = 1e-9 * bankroll
    assert (out.loc[out["decision"] == "pass", "stake"] == 0).all()
    assert (bets["kelly_full"] > 0).all() and (bets["stake"] > 0).all()
    assert (bets["stake"] <= s.max_stake_fraction * bankroll + tol).all()
    assert (bets["stake"] <= bets["stake_kelly"] + tol).all()
    assert (
        bets.groupby(["game_date", "player_id"])["stake"].sum() <= s.max_player_fraction * bankroll + tol
    ).all()
    assert (bets.groupby("game_id")["stake"].sum() <= s.max_game_fraction * bankroll + tol).all()
    assert (bets.groupby("game_date")["stake"].sum() <= s.max_day_fraction * bankroll + tol).all()
    assert not bets.duplicated(["game_id", "player_id", "market"]).any()
    assert (out.loc[out["kelly_full"] <= 0, "decision"] == "pass").all()
