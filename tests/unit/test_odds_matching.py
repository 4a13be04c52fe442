"""Bookmaker names -> slate player ids."""

from __future__ import annotations

import logging

import pandas as pd
import pytest

from nba_pra.odds.matching import match_players, normalize_name
from nba_pra.odds.settings import MatchingSettings
from settings_support import conf

SUFFIXES = ("jr", "sr", "ii", "iii", "iv", "v")


@pytest.mark.parametrize(
    ("book", "expected"),
    [
        ("Nikola Jokić", "nikola jokic"),
        ("Portis, Bobby", "bobby portis"),
        ("Xavier Tillman, Sr.", "xavier tillman"),
        ("Jalen (2001) Johnson", "jalen johnson"),
        ("Kyle Lowry (Phi)", "kyle lowry"),
        ("De\u2019Anthony Melton", "deanthony melton"),
        ("D'Angelo Russell", "dangelo russell"),
        ("P.J. Washington", "pj washington"),
        ("PJ Washington", "pj washington"),
        ("Dorian Finney-Smith", "dorian finney smith"),
        ("Marvin Bagley III", "marvin bagley"),
        ("D. Robinson", "d robinson"),
    ],
)
def test_names_normalise_to_one_comparable_form(book: str, expected: str) -> None:
    assert normalize_name(book, SUFFIXES) == expected


def slate() -> pd.DataFrame:
    players = [
        ("g1", 1, "Jaren Jackson Jr."), ("g1", 2, "Duncan Robinson"), ("g1", 3, "Nic Claxton"),
        ("g1", 4, "Dejounte Murray"), ("g1", 5, "Brook Lopez"),
        ("g2", 6, "Jalen Green"), ("g2", 7, "Jeff Green"), ("g2", 8, "Jalen Johnson"),
    ]
    return pd.DataFrame(players, columns=["game_id", "player_id", "player_name"])


def settings(**kw: object) -> MatchingSettings:
    return conf(MatchingSettings, suffixes=SUFFIXES, aliases={"Nicolas Claxton": "Nic Claxton"}, **kw)


def test_each_normalisation_step_finds_the_player_of_that_game() -> None:
    names = pd.DataFrame({
        "game_id": ["g1"] * 5 + ["g2"],
        "player_name": ["Jaren Jackson", "D. Robinson", "Nicolas Claxton", "Murray Dejounte", "Brook Robert Lopez",
                        "Jalen (2001) Johnson"],
        "line": [30.5, 15.5, 20.5, 35.5, 25.5, 20.5],
    })
    out, report = match_players(names, slate(), settings())
    assert dict(zip(out["player_name"], out["player_id"], strict=True)) == {
        "Jaren Jackson": 1, "D. Robinson": 2, "Nicolas Claxton": 3, "Murray Dejounte": 4,
        "Brook Robert Lopez": 5, "Jalen (2001) Johnson": 8,
    }
    assert report.n_unmatched == 0 and list(out["line"]) == list(names["line"])


def test_aliases_work_whichever_side_uses_which_spelling() -> None:
    flipped = slate().replace({"Nic Claxton": "Nicolas Claxton"})
    names = pd.DataFrame({"game_id": ["g1"], "player_name": ["Nic Claxton"]})
    out, _ = match_players(names, flipped, settings())
    assert list(out["player_id"]) == [3]


def test_an_ambiguous_initial_and_an_unknown_name_are_reported_not_guessed(caplog: pytest.LogCaptureFixture) -> None:
    names = pd.DataFrame({"game_id": ["g2", "g2", "g1"], "player_name": ["J. Green", "Nobody Known", "Jalen Green"]})
    with caplog.at_level(logging.WARNING):
        out, report = match_players(names, slate(), settings())
    assert out.empty  # Jalen Green plays in g2, not g1: names never match across games
    assert set(report.unmatched["player_name"]) == {"J. Green", "Nobody Known", "Jalen Green"}
    assert report.n_names == 3 and report.n_matched == 0
    assert "3 of 3 bookmaker name(s) match no slate player" in caplog.text


def test_the_initial_fallback_can_be_switched_off() -> None:
    names = pd.DataFrame({"game_id": ["g1"], "player_name": ["D. Robinson"]})
    _, report = match_players(names, slate(), settings(initial_fallback=False))
    assert report.n_unmatched == 1
