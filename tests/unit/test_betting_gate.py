"""The evidence gate: staked only where walk-forward evidence beats the market; paper bets otherwise."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from test_betting_engine import PLAIN, line, prediction, run

from nba_pra.betting.gate import BookEvidence, Evidence, Gate, MethodEvidence, read_evidence, write_evidence
from nba_pra.betting.settings import PricingMethod
from nba_pra.betting.stacking import StackFit
from nba_pra.errors import DataError
from settings_support import evidence_settings, pricing_settings

BOOKS = pd.Series(["sharp", "soft", "absent"])
#: a book whose bets have no closing line (judged on ROI alone)
NO_CLOSES = {"clv_bets": 0, "clv": float("nan"), "clv_lo": float("nan"), "clv_hi": float("nan")}


def evidence(soft_bets: int = 400, soft_p: float = 0.004, stack: StackFit | None = None,
             soft_closes: dict[str, float] = NO_CLOSES) -> Evidence:
    books = {"sharp": BookEvidence(bets=900, roi=-0.021, roi_lo=-0.05, roi_hi=0.026, p_value=0.81,
                                  **NO_CLOSES, staked=False),
             "soft": BookEvidence(bets=soft_bets, roi=0.051, roi_lo=0.012, roi_hi=0.09, p_value=soft_p,
                                 **soft_closes, staked=True)}
    method = MethodEvidence(props=3000, logloss=0.6905, market_logloss=0.6910, logloss_minus_market=-0.0005,
                            logloss_minus_market_lo=-0.0015, logloss_minus_market_hi=0.0004, books=books)
    return Evidence(source="backtest", synthetic=True, written_at="2024-12-21T00:00:00+00:00",
                    window_start="2024-10-22", window_end="2024-12-20", min_bets=100, min_roi_lo=0.0,
                    methods={"market_aware": method}, stack=stack)


def test_without_evidence_every_book_is_paper_and_the_reason_says_how_to_get_some() -> None:
    staked, reason = Gate(None, evidence_settings()).decide(PricingMethod.MARKET_AWARE, BOOKS)
    assert not staked.any()
    expected = "no_evidence: none yet (run `nba-pra evidence`, or `nba-pra market` on recorded real lines)"
    assert (reason == expected).all()


def test_only_a_book_whose_roi_tests_above_zero_on_enough_bets_may_stake() -> None:
    staked, reason = Gate(evidence(), evidence_settings(familywise_error=0.025)).decide(PricingMethod.MARKET_AWARE,
                                                                                        BOOKS)
    assert staked.tolist() == [False, True, False]
    # two books tested: soft's p 0.004 <= 0.025 / 2 stakes, then sharp's 0.81 > 0.025 / 1 does not
    assert reason[0] == ("no_evidence: sharp ROI -2.1% [-5.0%, +2.6%] on 900 bets, p 0.81 vs Holm level 0.025 "
                         "of 2 books (market_aware, 2024-10-22..2024-12-20)")
    assert reason[1] == ""
    assert reason[2] == "no_evidence: no market_aware bets at absent (market_aware, 2024-10-22..2024-12-20)"


def test_the_gate_applies_todays_settings_not_the_ones_the_evidence_was_written_with() -> None:
    few = Gate(evidence(soft_bets=60), evidence_settings(min_bets=100))
    staked, reason = few.decide(PricingMethod.MARKET_AWARE, BOOKS)
    assert not staked[1] and reason[1] == "no_evidence: soft 60 bets < 100 (market_aware, 2024-10-22..2024-12-20)"
    # the p-values test the evidence's own threshold: another one stakes nothing until the evidence is measured
    strict = Gate(evidence(), evidence_settings(min_roi_lo=0.02))
    staked, reason = strict.decide(PricingMethod.MARKET_AWARE, BOOKS)
    assert not staked.any()
    assert reason[1] == ("no_evidence: the evidence tested ROI > +0.0%, the settings ask for > +2.0% (run "
                         "`nba-pra evidence`, or `nba-pra market` on recorded real lines)")
    # a stricter familywise error: soft's 0.004 fails 0.005 / 2
    assert not Gate(evidence(), evidence_settings(familywise_error=0.005)).decide(PricingMethod.MARKET_AWARE,
                                                                                  BOOKS)[0].any()


def _books(p_values: dict[str, float], bets: int = 500) -> Evidence:
    books = {name: BookEvidence(bets=bets, roi=0.05, roi_lo=0.01, roi_hi=0.09, p_value=p, **NO_CLOSES, staked=False)
             for name, p in p_values.items()}
    return Evidence(**{**evidence().__dict__,
                       "methods": {"market_aware": MethodEvidence(**{**evidence().methods["market_aware"].__dict__,
                                                                     "books": books})}})


def test_holms_step_down_stakes_only_books_whose_p_clears_the_level_for_their_rank() -> None:
    """At 0.025 over three books the levels are 0.025/3, 0.025/2, 0.025 in order of p. Each of 0.010 and 0.012
    clears 0.025 alone, but the smallest fails 0.0083, so nothing stakes; with 0.005 first, 0.012 then clears
    0.0125 and 0.3 fails 0.025."""
    names = pd.Series(["a", "b", "c"])
    settings = evidence_settings(familywise_error=0.025)
    staked, reason = Gate(_books({"a": 0.010, "b": 0.012, "c": 0.3}), settings).decide(PricingMethod.MARKET_AWARE,
                                                                                       names)
    assert not staked.any()
    assert "p 0.01 vs Holm level 0.0083 of 3 books" in reason[0]
    staked, _ = Gate(_books({"a": 0.005, "b": 0.012, "c": 0.3}), settings).decide(PricingMethod.MARKET_AWARE, names)
    assert staked.tolist() == [True, True, False]
    # a book under min_bets is not tested, so it does not raise the others' bar: one book at 0.010 alone stakes
    ev = _books({"a": 0.010})
    few = {**ev.methods["market_aware"].books,
           "b": BookEvidence(bets=20, roi=0.2, roi_lo=0.1, roi_hi=0.3, p_value=0.0005, **NO_CLOSES,
                             staked=False)}
    ev = Evidence(**{**ev.__dict__, "methods": {"market_aware": MethodEvidence(
        **{**ev.methods["market_aware"].__dict__, "books": few})}})
    assert Gate(ev, settings).decide(PricingMethod.MARKET_AWARE, pd.Series(["a", "b"]))[0].tolist() == [True, False]
    # a book with too few days has no p: tested, never staked
    assert not Gate(_books({"a": float("nan")}), settings).decide(PricingMethod.MARKET_AWARE, names[:1])[0].any()


def test_evidence_for_another_method_does_not_let_this_one_stake() -> None:
    staked, reason = Gate(evidence(), evidence_settings()).decide(PricingMethod.MODEL, BOOKS)
    assert not staked.any() and reason[0].startswith("no_evidence: none for pricing model")


def test_an_open_gate_or_required_false_stakes_everything() -> None:
    for gate in (Gate.open(), Gate(None, evidence_settings(required=False))):
        staked, reason = gate.decide(PricingMethod.MARKET_AWARE, BOOKS)
        assert staked.all() and (reason == "").all()


def test_evidence_survives_its_file_and_a_corrupt_file_is_a_clear_error(tmp_path: Path) -> None:
    ev = evidence(stack=StackFit(0.01, 0.1, 0.9, 2500),
                  soft_closes={"clv_bets": 380, "clv": 0.021, "clv_lo": 0.012, "clv_hi": 0.03})
    path = write_evidence(ev, tmp_path / "reports" / "evidence.json")
    back = read_evidence(path)
    assert back is not None and json.dumps(back.to_dict()) == json.dumps(ev.to_dict())  # NaN != NaN in ==
    assert json.loads(path.read_text())["methods"]["market_aware"]["books"]["soft"]["p_value"] == 0.004
    assert read_evidence(tmp_path / "missing.json") is None
    path.write_text("{not json")
    with pytest.raises(DataError, match="not a readable evidence file"):
        read_evidence(path)


def _two_books() -> tuple[list, list]:
    preds = [prediction(1, mean=30.0, std=6.0)]
    # both books pass every filter under the raw model; "sharp" has the larger edge
    lines = [line(1, 24.5, book="sharp", over=+105), line(1, 24.5, book="soft", over=-105)]
    return preds, lines


def test_the_engine_places_the_bet_at_a_book_the_gate_lets_stake_before_a_larger_paper_edge() -> None:
    preds, lines = _two_books()
    model = pricing_settings(PricingMethod.MODEL)
    ev = Evidence(**{**evidence().__dict__, "methods": {"model": evidence().methods["market_aware"]}})
    out = run(preds, lines, PLAIN, pricing=model, gate=Gate(ev, evidence_settings())).set_index("bookmaker")
    assert out.loc["sharp", "edge"] > out.loc["soft", "edge"]
    assert out.loc["soft", ["decision", "state", "gate_reason"]].tolist() == ["bet", "staked", ""]
    assert out.loc["soft", "stake"] > 0
    assert out.loc["sharp", ["decision", "reason", "state"]].tolist() == ["pass", "not_best_price", ""]


def test_without_evidence_the_best_edge_is_a_paper_bet_with_no_stake() -> None:
    preds, lines = _two_books()
    out = run(preds, lines, PLAIN, pricing=pricing_settings(PricingMethod.MODEL),
              gate=Gate(None, evidence_settings())).set_index("bookmaker")
    bet = out.loc["sharp"]
    assert bet[["decision", "reason", "state", "stake"]].tolist() == ["bet", "bet", "paper", 0.0]
    assert bet["gate_reason"].startswith("no_evidence: none yet")
    assert bet["pricing"] == "model"
    assert np.isfinite(bet["kelly_full"]) and bet["stake_kelly"] > 0  # what it would have staked is still shown


def test_an_edge_above_the_bound_is_flagged_as_more_likely_model_error() -> None:
    preds, lines = _two_books()
    out = run(preds, lines, PLAIN, pricing=pricing_settings(PricingMethod.MODEL), gate=Gate.open())
    assert (out["edge"] > 0.10).all() and out["edge_suspect"].all()
    calm = run(preds, [line(1, 29.5, book="sharp")], PLAIN, pricing=pricing_settings(PricingMethod.MODEL),
               gate=Gate.open())
    assert not calm["edge_suspect"].any()


def test_a_book_whose_roi_passes_on_luck_but_whose_bets_lose_to_the_close_is_paper() -> None:
    """soft's p passes Holm; with 380 closes whose mean CLV interval is not above 0 it stays paper (the reason
    gives both figures); with too few closes, or require_clv off, ROI alone decides."""
    lucky = {"clv_bets": 380, "clv": -0.004, "clv_lo": -0.009, "clv_hi": 0.001}
    staked, reason = Gate(evidence(soft_closes=lucky), evidence_settings(require_clv=True, min_bets=100)).decide(
        PricingMethod.MARKET_AWARE, BOOKS)
    assert not staked[1]
    assert reason[1] == ("no_evidence: soft ROI +5.1% [+1.2%, +9.0%] on 400 bets, p 0.004 vs Holm level 0.013 "
                         "of 2 books passes, but CLV -0.40 pp [-0.90 pp, +0.10 pp] on 380 closes is not above 0 "
                         "(market_aware, 2024-10-22..2024-12-20)")
    beats = {"clv_bets": 380, "clv": 0.021, "clv_lo": 0.012, "clv_hi": 0.03}
    assert Gate(evidence(soft_closes=beats), evidence_settings(require_clv=True)).decide(
        PricingMethod.MARKET_AWARE, BOOKS)[0][1]
    few = {**lucky, "clv_bets": 60}
    assert Gate(evidence(soft_closes=few), evidence_settings(require_clv=True, min_bets=100)).decide(
        PricingMethod.MARKET_AWARE, BOOKS)[0][1]
    assert Gate(evidence(soft_closes=lucky), evidence_settings(require_clv=False)).decide(
        PricingMethod.MARKET_AWARE, BOOKS)[0][1]
