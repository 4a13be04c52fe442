"""Provider factory, synthetic and historical providers, graceful degradation."""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from nba_pra.data.schema import LINE_COLUMNS, LINES_FILE
from nba_pra.errors import OddsError
from nba_pra.odds.errors import OddsEmptySlateError, OddsFileError, OddsNoLinesError, OddsPayloadError
from nba_pra.odds.historical import HistoricalProvider
from nba_pra.odds.lines import OUTPUT_COLUMNS
from nba_pra.odds.provider import OddsProvider, fetch_lines_or_warn, make_provider
from nba_pra.odds.settings import ProviderKind
from nba_pra.odds.synthetic import SyntheticProvider
from nba_pra.odds.theoddsapi import TheOddsApiProvider
from odds_support import PRA, make_slate, odds_settings


def synthetic_lines() -> pd.DataFrame:
    return pd.DataFrame({
        "game_id": ["G1", "G1", "G2", "OTHER"],
        "game_date": pd.to_datetime(["2024-01-15"] * 4),
        "player_id": [1, 2, 5, 99],
        "player_name": ["Jayson Tatum", "Jaylen Brown", "Nikola Jokić", "Someone"],
        "bookmaker": ["simbook"] * 4,
        "line": [45.5, 35.5, 52.5, 10.5],
        "over_price": [-110, -115, 105, -110],
        "under_price": [-110, -105, -125, -110],
        "close_line": [np.nan] * 4,
        "close_over_price": [np.nan] * 4,
        "close_under_price": [np.nan] * 4,
    })


def test_make_provider_picks_the_class_the_config_names(tmp_path: Path) -> None:
    expected = {"synthetic": SyntheticProvider, "theoddsapi": TheOddsApiProvider, "historical": HistoricalProvider}
    for option, cls in expected.items():
        provider = make_provider(odds_settings(option), data_dir=tmp_path, cache_dir=tmp_path / "cache")
        assert type(provider) is cls and provider.name == option
        assert isinstance(provider, OddsProvider)


def test_every_odds_config_option_composes_into_typed_settings() -> None:
    for option in ProviderKind:
        settings = odds_settings(option.value)
        assert settings.provider is option and settings.market == PRA
        assert len(settings.teams) == 30 and settings.teams["BOS"] == "Boston Celtics"
        assert settings.matching.aliases  # the alias table is wired in


def synthetic_provider(data_dir: Path) -> OddsProvider:
    return make_provider(odds_settings("synthetic"), data_dir=data_dir, cache_dir=data_dir / "cache")


def test_synthetic_lines_are_restricted_to_the_slate_games_with_the_output_columns(tmp_path: Path) -> None:
    synthetic_lines().to_parquet(tmp_path / LINES_FILE)
    lines = synthetic_provider(tmp_path).fetch_lines(make_slate())
    assert tuple(lines.columns) == OUTPUT_COLUMNS and OUTPUT_COLUMNS[: len(LINE_COLUMNS)] == LINE_COLUMNS
    assert set(lines["game_id"]) == {"G1", "G2"}
    assert (lines["market"] == PRA).all() and not lines["is_derived"].any()
    assert lines["over_price"].dtype == np.int64


def test_a_missing_synthetic_file_is_an_odds_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(OddsFileError, match=r"lines.parquet is missing"):
        synthetic_provider(tmp_path).fetch_lines(make_slate())


def test_a_book_without_lines_for_the_slate_is_an_odds_error(tmp_path: Path) -> None:
    synthetic_lines().iloc[3:].to_parquet(tmp_path / LINES_FILE)
    with pytest.raises(OddsNoLinesError, match=r"no lines for the slate's 2 game"):
        synthetic_provider(tmp_path).fetch_lines(make_slate())


def test_an_offer_missing_a_price_is_a_payload_error(tmp_path: Path) -> None:
    synthetic_lines().astype({"over_price": float}).assign(over_price=np.nan).to_parquet(tmp_path / LINES_FILE)
    with pytest.raises(OddsPayloadError, match="without an over or under price"):
        synthetic_provider(tmp_path).fetch_lines(make_slate())


def test_a_slate_without_a_required_column_is_an_empty_slate_error(tmp_path: Path) -> None:
    with pytest.raises(OddsEmptySlateError, match="lacks column\\(s\\) commence_time"):
        make_provider(odds_settings("synthetic"), data_dir=tmp_path, cache_dir=tmp_path / "cache").fetch_lines(
            make_slate().drop(columns="commence_time"))


def test_degradation_returns_no_lines_and_a_warning_and_strict_reraises(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    provider = synthetic_provider(tmp_path)  # no lines file
    with caplog.at_level(logging.WARNING):
        lines, warning = fetch_lines_or_warn(provider, make_slate(), strict=False, refresh=False)
    assert lines.empty and tuple(lines.columns) == OUTPUT_COLUMNS
    assert warning == ("no odds from synthetic, so no bets are placed: the synthetic lines file "
                       f"{tmp_path / LINES_FILE} is missing; generate the league data first")
    assert warning in caplog.text
    with pytest.raises(OddsError):
        fetch_lines_or_warn(provider, make_slate(), strict=True, refresh=False)


def test_degradation_passes_lines_through_when_the_source_works(tmp_path: Path) -> None:
    synthetic_lines().to_parquet(tmp_path / LINES_FILE)
    provider = make_provider(odds_settings("synthetic"), data_dir=tmp_path, cache_dir=tmp_path / "cache")
    lines, warning = fetch_lines_or_warn(provider, make_slate(), strict=True, refresh=True)
    assert warning is None and len(lines) == 3


# --- historical ---------------------------------------------------------------------------------------------

ODDS_API_ROWS = [
    # G1 BOS-NYK tips 7:30 pm ET on 2024-01-15 = 00:30 UTC on 01-16: the file's event_date is the UTC date
    "Jayson Tatum,e1,2024-01-16,Boston Celtics,New York Knicks,DraftKings,44.5,2024-01-15T20:00:00Z,-110,-110",
    "Jayson Tatum,e1,2024-01-16,Boston Celtics,New York Knicks,DraftKings,45.5,2024-01-16T00:20:00Z,-115,-105",
    "Jayson Tatum,e1,2024-01-16,Boston Celtics,New York Knicks,FanDuel,45.5,2024-01-16T00:21:00Z,-105,-125",
    "\"Portis, Bobby\",e1,2024-01-16,Boston Celtics,New York Knicks,FanDuel,20.5,2024-01-16T00:21:00Z,-105,",
    # same teams a day later (not on the slate): a naive join on event_date would take it
    "Jayson Tatum,e9,2024-01-17,Boston Celtics,New York Knicks,DraftKings,50.5,2024-01-17T00:20:00Z,-110,-110",
    "Nikola Jokic,e2,2024-01-16,Denver Nuggets,Los Angeles Lakers,BetMGM,52.5,2024-01-16T02:55:00Z,-105,-115",
    "Mystery Man,e2,2024-01-16,Denver Nuggets,Los Angeles Lakers,BetMGM,9.5,2024-01-16T02:55:00Z,-110,-110",
]
HEADER = "player_name,event_id,event_date,home_team,away_team,bookmaker,line,timestamp,over_price,under_price"


def historical_provider(tmp_path: Path, path: str, **hist: object) -> HistoricalProvider:
    settings = odds_settings("historical")
    settings = dataclasses.replace(settings, historical=dataclasses.replace(settings.historical, path=path, **hist))
    provider = make_provider(settings, data_dir=tmp_path, cache_dir=tmp_path / "cache")
    assert isinstance(provider, HistoricalProvider)
    return provider


def test_an_odds_api_export_joins_on_the_local_date_and_keeps_the_last_snapshot(tmp_path: Path) -> None:
    (tmp_path / "h.csv").write_text("\n".join([HEADER, *ODDS_API_ROWS]) + "\n")
    provider = historical_provider(tmp_path, "h.csv")

    lines = provider.fetch_lines(make_slate())

    got = set(zip(lines["game_id"], lines["player_id"], lines["bookmaker"], lines["line"], strict=True))
    assert got == {("G1", 1, "DraftKings", 45.5), ("G1", 1, "FanDuel", 45.5), ("G2", 5, "BetMGM", 52.5)}
    assert (lines["game_date"] == pd.Timestamp("2024-01-15")).all()
    assert provider.last_report is not None and list(provider.last_report.unmatched["player_name"]) == ["Mystery Man"]


def test_keep_first_snapshot_takes_the_earliest_line(tmp_path: Path) -> None:
    (tmp_path / "h.csv").write_text("\n".join([HEADER, *ODDS_API_ROWS]) + "\n")
    lines = historical_provider(tmp_path, "h.csv", keep_snapshot="first").fetch_lines(make_slate())
    dk = lines.loc[(lines["bookmaker"] == "DraftKings") & (lines["player_id"] == 1)]
    assert list(dk["line"]) == [44.5]


def test_a_row_dated_inconsistently_with_its_utc_event_date_is_dropped(tmp_path: Path) -> None:
    bad = "Jayson Tatum,e1,2024-01-20,Boston Celtics,New York Knicks,BetMGM,45.5,2024-01-16T00:21:00Z,-110,-110"
    (tmp_path / "h.csv").write_text("\n".join([HEADER, *ODDS_API_ROWS, bad]) + "\n")
    lines = historical_provider(tmp_path, "h.csv").fetch_lines(make_slate())
    assert "BetMGM" not in set(lines.loc[lines["game_id"] == "G1", "bookmaker"])


def test_a_native_parquet_file_with_player_ids_needs_no_matching(tmp_path: Path) -> None:
    synthetic_lines().drop(columns=["game_date", "close_line"]).to_parquet(tmp_path / "native.parquet")
    provider = historical_provider(tmp_path, str(tmp_path / "native.parquet"))
    lines = provider.fetch_lines(make_slate())
    assert sorted(lines["player_id"]) == [1, 2, 5] and provider.last_report is None
    assert (lines["game_date"] == pd.Timestamp("2024-01-15")).all()


def test_a_file_with_an_unknown_schema_or_no_file_is_an_odds_error(tmp_path: Path) -> None:
    (tmp_path / "odd.csv").write_text("a,b\n1,2\n")
    with pytest.raises(OddsFileError, match="has neither the native columns"):
        historical_provider(tmp_path, "odd.csv").fetch_lines(make_slate())
    with pytest.raises(OddsFileError, match="does not exist"):
        historical_provider(tmp_path, "missing.csv").fetch_lines(make_slate())


def test_the_real_2023_24_lines_map_to_box_score_games_and_players(shared_data: Path, tmp_path: Path) -> None:
    box = pd.read_parquet(
        shared_data / "box_scores_2012-13_to_2023-24.parquet",
        columns=["game_id", "game_date", "season", "player_id", "player_name", "team", "opponent", "home",
                 "start_position"],
    )
    slate = box.loc[box["season"] == "2023-24"].rename(columns={"start_position": "position"})
    slate["game_date"] = pd.to_datetime(slate["game_date"])
    slate["commence_time"] = (slate["game_date"] + pd.Timedelta(hours=19)).dt.tz_localize("UTC")
    provider = historical_provider(tmp_path, str(shared_data / "pra_lines_2023-24.csv"))

    lines = provider.fetch_lines(slate)

    raw_events = pd.read_csv(shared_data / "pra_lines_2023-24.csv", usecols=["event_id"])["event_id"].nunique()
    assert lines["game_id"].nunique() == raw_events  # every event found its game (UTC-date trap handled)
    report = provider.last_report
    assert report is not None and report.n_matched / report.n_names >= 0.99
