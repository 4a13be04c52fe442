"""Ledger export (CSV / parquet) and import of the original system's CSV ledger: parsing, validation, idempotency."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest

from nba_pra.cli import main
from nba_pra.errors import DataValidationError, LedgerError
from nba_pra.ledger.store import LedgerStore
from nba_pra.ledger.transfer import (
    ExportFormat,
    export_format,
    export_ledger,
    import_ledger,
    parse_ledger,
    project_players,
)
from nba_pra.vocab import PRA_MARKET

PRA = PRA_MARKET
LEGACY = """Date,Player,Line,Bet,Odds,Bet Amount,Result,Profit
2024-01-15,Jayson Tatum,45.5,OVER,-110,10,W,9.09
1/16/2024,Nikola Jokić,52.5,under,+150,4,L,
2024-01-17,LeBron James,40,o,1.91,5,push,0
2024-01-18,LeBron James,41.5,U,-105,3,pending,
"""


def write(tmp_path: Path, text: str, name: str = "legacy.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def store(tmp_path: Path, name: str = "ledger.db") -> LedgerStore:
    return LedgerStore(f"sqlite:///{tmp_path / name}")


def parse(text: str, players: pd.DataFrame | None = None):
    from io import StringIO

    raw = pd.read_csv(StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=True)
    return parse_ledger(raw, players)


def test_header_variants_sides_prices_and_results_are_read_as_documented() -> None:
    bets, settlements, counts = parse(LEGACY)
    assert counts == {"rows": 4, "duplicates_dropped": 0, "surrogate_player_ids": 4}
    assert bets["side"].tolist() == ["over", "under", "over", "under"]
    assert bets["game_date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2024-01-15", "2024-01-16", "2024-01-17", "2024-01-18"]
    assert bets["stake"].tolist() == [10.0, 4.0, 5.0, 3.0]
    assert (bets["market"] == PRA).all() and (bets["bookmaker"] == "legacy").all()
    # -110 -> 1 + 100/110; +150 -> 2.5; decimal 1.91 -> American -100/0.91 = -109.9 -> -110; -105 -> 1 + 100/105
    assert bets["decimal_price"].tolist() == pytest.approx([1 + 100 / 110, 2.5, 1.91, 1 + 100 / 105])
    assert bets["price"].tolist() == [-110.0, 150.0, -110.0, -105.0]
    # the pending bet has no settlement; a missing loss profit is -stake
    assert settlements["result"].tolist() == ["win", "loss", "push"]
    assert settlements["profit"].tolist() == pytest.approx([9.09, -4.0, 0.0])


def test_imported_ids_are_the_documented_hashes_and_legacy_games() -> None:
    bets, _, _ = parse(LEGACY)
    key = f"legacy|2024-01-15|jayson tatum|{PRA}|over|45.5|legacy"
    assert bets.loc[0, "bet_id"] == hashlib.sha1(key.encode()).hexdigest()
    assert bets.loc[1, "game_id"] == "legacy-20240116-nikola-jokic"
    surrogate = -int(hashlib.sha1(b"lebron james").hexdigest()[:12], 16)
    assert bets.loc[2, "player_id"] == bets.loc[3, "player_id"] == surrogate < 0


def test_a_missing_win_profit_is_stake_times_decimal_minus_one() -> None:
    _, settlements, _ = parse("date,player,line,side,odds,stake,result\n2024-01-15,A B,20.5,over,+150,10,won\n")
    assert settlements["profit"].tolist() == [15.0]


def test_names_resolve_to_the_only_player_with_that_normalised_name() -> None:
    players = pd.DataFrame({"player_id": [5, 9, 10], "player_name": ["Nikola Jokić", "Twin Name", "Twin  name"]})
    text = ("date,player,line,side,odds,stake\n2024-01-15,Nikola Jokic,50.5,over,-110,1\n"
            "2024-01-15,twin name,9.5,under,-110,1\n")
    bets, _, counts = parse(text, players)
    assert bets.loc[0, "player_id"] == 5
    assert bets.loc[1, "player_id"] < 0  # two ids share the name: not resolved, surrogate
    assert counts["surrogate_player_ids"] == 1


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("date,player,line,side,odds,stake\n2024-01-15,A,20.5,maybe,-110,1\n", "side must be over or under"),
        ("date,player,line,side,odds,stake\n2024-01-15,A,20.5,over,-50,1\n", "odds must be American"),
        ("date,player,line,side,odds,stake\nsoon,A,20.5,over,-110,1\n", "date must be a date"),
        ("date,player,line,side,odds,stake\n2024-01-15,A,20.5,over,-110,0\n", "stake must be a number > 0"),
        ("date,player,line,side,odds,stake\n2024-01-15,A,-1,over,-110,1\n", "line must be a finite number >= 0"),
        ("date,player,line,side,odds,stake,result\n2024-01-15,A,20.5,over,-110,1,lost?\n", "result must be one of"),
        ("date,player,line,side,odds,stake,result,profit\n2024-01-15,A,20.5,over,-110,1,win,-1\n",
         "profit must be > 0"),
        ("date,player,line,side,odds,stake,market\n2024-01-15,A,20.5,over,-110,1,steals\n", "market must be"),
        ("date,player,line,side,stake\n2024-01-15,A,20.5,over,1\n", "no column for odds"),
        ("date,line,side,odds,stake\n2024-01-15,20.5,over,-110,1\n", "no column for player"),
        ("date,player,line,side,odds,stake,player_id\n2024-01-15,A,20.5,over,-110,1,99999999999999999999\n",
         "player_id must be an integer below 2"),
    ],
)
def test_a_broken_rule_is_named_with_its_csv_line(text: str, rule: str) -> None:
    with pytest.raises(DataValidationError, match=rule):
        parse(text)


def test_validation_errors_quote_the_offending_csv_lines() -> None:
    text = "date,player,line,side,odds,stake\n2024-01-15,A,20.5,over,-110,1\n2024-01-15,B,20.5,sideways,-110,1\n"
    with pytest.raises(DataValidationError, match=r"line\(s\) 3\)"):
        parse(text)


def test_exact_duplicate_rows_are_dropped_and_conflicting_ones_refused() -> None:
    row = "2024-01-15,A B,20.5,over,-110,2,win,1.82\n"
    bets, _, counts = parse("date,player,line,side,odds,stake,result,profit\n" + row + row)
    assert len(bets) == 1 and counts["duplicates_dropped"] == 1
    with pytest.raises(DataValidationError, match="describe one bet differently"):
        parse("date,player,line,side,odds,stake,result,profit\n" + row + row.replace(",2,", ",3,"))


def test_importing_twice_adds_nothing_the_second_time(tmp_path: Path) -> None:
    path = write(tmp_path, LEGACY)
    with store(tmp_path) as ledger:
        first = import_ledger(ledger, path)
        second = import_ledger(ledger, path)
        bets = ledger.bets()
        summary = ledger.summary(1000.0)
    assert (first.bets_added, first.settlements_added, first.already_present) == (4, 3, 0)
    assert (second.bets_added, second.settlements_added, second.already_present) == (0, 0, 4)
    assert len(bets) == 4
    assert (summary["wins"], summary["losses"], summary["pushes"], summary["open"]) == (1, 1, 1, 1)
    assert summary["profit"] == pytest.approx(9.09 - 4.0)


def test_an_open_bet_settled_in_a_later_file_gets_its_settlement(tmp_path: Path) -> None:
    with store(tmp_path) as ledger:
        import_ledger(ledger, write(tmp_path, LEGACY))
        later = import_ledger(ledger, write(tmp_path, LEGACY.replace("pending,", "W,"), "later.csv"))
        bets = ledger.bets()
    assert (later.bets_added, later.settlements_added) == (0, 1)
    settled = bets.set_index("game_date").loc[pd.Timestamp("2024-01-18")]
    assert settled["result"] == "win" and settled["profit"] == pytest.approx(3 * 100 / 105)


def test_a_failing_file_writes_nothing(tmp_path: Path) -> None:
    bad = LEGACY + "2024-01-19,Somebody,30.5,over,-110,-4,W,1\n"
    with store(tmp_path) as ledger:
        with pytest.raises(DataValidationError, match="stake"):
            import_ledger(ledger, write(tmp_path, bad))
        assert ledger.bets().empty


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with store(tmp_path) as ledger, pytest.raises(DataValidationError, match="does not exist"):
        import_ledger(ledger, tmp_path / "nope.csv")


@pytest.mark.parametrize("suffix", ["csv", "parquet"])
def test_an_export_imports_into_a_fresh_ledger_unchanged(tmp_path: Path, suffix: str) -> None:
    with store(tmp_path) as ledger:
        import_ledger(ledger, write(tmp_path, LEGACY.replace("10,W,9.09", "10.123456789,W,9.2031")))
        original = ledger.bets()
        assert export_ledger(ledger, tmp_path / f"out.{suffix}") == 4
    with store(tmp_path, "copy.db") as copy:
        report = import_ledger(copy, tmp_path / f"out.{suffix}")
        copied = copy.bets()
    assert (report.bets_added, report.settlements_added, report.surrogate_player_ids) == (4, 3, 0)
    columns = ["bet_id", "game_id", "game_date", "player_id", "player_name", "side", "line", "price", "stake",
               "result", "profit"]
    pd.testing.assert_frame_equal(copied[columns], original[columns])
    assert copied["stake"].max() == 10.123456789  # no digits lost in the CSV


def test_the_export_format_follows_the_flag_then_the_suffix() -> None:
    assert export_format(Path("x.parquet"), None) is ExportFormat.PARQUET
    assert export_format(Path("x.txt"), None) is ExportFormat.CSV
    assert export_format(Path("x.parquet"), "csv") is ExportFormat.CSV
    with pytest.raises(LedgerError, match="unknown export format"):
        export_format(Path("x.csv"), "xlsx")


def test_project_players_is_empty_without_data(tmp_path: Path) -> None:
    assert project_players(tmp_path).empty


def test_the_cli_imports_and_exports_and_needs_a_path(tmp_project: Path, capsys) -> None:
    path = write(tmp_project, LEGACY)
    assert main(["ledger", "import", str(path), "-q"]) == 0
    assert "4 bets and 3 settlements added" in capsys.readouterr().out
    assert main(["ledger", "import", str(path), "-q"]) == 0
    assert "0 bets and 0 settlements added, 4 already in the ledger" in capsys.readouterr().out
    assert main(["ledger", "export", "out.bin", "--format", "parquet", "-q"]) == 0
    assert len(pd.read_parquet(tmp_project / "out.bin")) == 4
    assert main(["ledger", "export", "-q"]) == 2
    assert "needs a file path" in capsys.readouterr().err


def test_legacy_rows_are_staked_bets() -> None:
    bets, _, _ = parse(LEGACY)
    assert bets["state"].eq("staked").all()


def test_a_paper_bet_needs_a_zero_stake_and_a_staked_one_a_positive_stake() -> None:
    header = "Date,Player,Line,Bet,Odds,Stake,State\n"
    bets, _, _ = parse(header + "2024-01-15,A B,45.5,over,-110,0,paper\n2024-01-15,C D,40.5,over,-110,2,\n")
    assert bets["state"].tolist() == ["paper", "staked"] and bets["stake"].tolist() == [0.0, 2.0]
    with pytest.raises(DataValidationError, match="paper bet's stake must be 0"):
        parse(header + "2024-01-15,A B,45.5,over,-110,3,paper\n")
    with pytest.raises(DataValidationError, match="stake must be a number > 0"):
        parse(header + "2024-01-15,A B,45.5,over,-110,0,staked\n")
    with pytest.raises(DataValidationError, match="state must be staked, paper or empty"):
        parse(header + "2024-01-15,A B,45.5,over,-110,1,maybe\n")


def round_trip(tmp_path: Path, frame: pd.DataFrame, suffix: str) -> pd.DataFrame:
    """``frame``'s bets recorded, exported as ``suffix`` and imported into a new ledger: that ledger's bets by id
    (every row imported)."""
    with store(tmp_path) as ledger:
        ledger.record_bets(frame)
        export_ledger(ledger, tmp_path / f"out.{suffix}")
    with store(tmp_path, "copy.db") as copy:
        assert import_ledger(copy, tmp_path / f"out.{suffix}").bets_added == len(frame)
        return copy.bets().set_index("bet_id")


@pytest.mark.parametrize("suffix", ["csv", "parquet"])
def test_an_export_carries_state_pricing_and_gate_reason_back_in(tmp_path: Path, suffix: str) -> None:
    reason = "no_evidence: fastline ROI -1.2% [-5.0%, +2.6%] on 140 bets (market_aware, 2024-10-22..2024-12-20)"
    row = {"game_id": "G1", "game_date": pd.Timestamp("2024-01-05"), "player_id": 7, "player_name": "A B",
           "market": PRA, "bookmaker": "fastline", "side": "over", "line": 20.5, "price": -110.0,
           "decimal_price": 1 + 100 / 110, "pricing": "market_aware"}
    frame = pd.DataFrame([
        {**row, "bet_id": "a" * 40, "stake": 2.0, "state": "staked", "gate_reason": ""},
        {**row, "bet_id": "b" * 40, "side": "under", "stake": 0.0, "state": "paper", "gate_reason": reason},
    ])
    copied = round_trip(tmp_path, frame, suffix)
    assert copied.loc["a" * 40, "state"] == "staked" and copied.loc["b" * 40, "state"] == "paper"
    assert copied["pricing"].eq("market_aware").all()
    assert copied.loc["b" * 40, "gate_reason"] == reason and copied.loc["b" * 40, "stake"] == 0.0


@pytest.mark.parametrize("suffix", ["csv", "parquet"])
def test_an_export_carries_a_live_bet_s_phase_and_game_state_back_in(tmp_path: Path, suffix: str) -> None:
    row = {"game_id": "G1", "game_date": pd.Timestamp("2024-01-05"), "player_id": 7, "player_name": "A B",
           "market": PRA, "bookmaker": "fastline", "price": -110.0, "decimal_price": 1 + 100 / 110, "stake": 2.0}
    frame = pd.DataFrame([
        {**row, "bet_id": "a" * 40, "side": "over", "line": 20.5},
        {**row, "bet_id": "c" * 40, "side": "under", "line": 33.5, "phase": "live", "live_period": 3,
         "live_clock_s": 323.0, "live_minutes": 27.7, "live_pra": 25.0, "live_pf": 4.0, "live_margin": -12.0},
    ])
    copied = round_trip(tmp_path, frame, suffix)
    assert copied.loc["a" * 40, "phase"] == "pregame" and pd.isna(copied.loc["a" * 40, "live_period"])
    live = copied.loc["c" * 40]
    assert live["phase"] == "live"
    assert [live[c] for c in ("live_period", "live_clock_s", "live_minutes", "live_pra", "live_pf", "live_margin")] == [
        3, 323.0, 27.7, 25.0, 4.0, -12.0]


def test_a_live_row_without_its_game_state_or_an_unknown_phase_is_refused() -> None:
    header = "date,player,line,side,odds,stake,phase,live_period,live_clock_s\n"
    with pytest.raises(DataValidationError, match=r"phase must be pregame or live \(CSV line\(s\) 2\)"):
        parse(header + "2024-01-15,A B,45.5,over,-110,1,halftime,2,0\n")
    with pytest.raises(DataValidationError, match=r"needs its game state .* \(CSV line\(s\) 3\)"):
        parse(header + "2024-01-15,A B,45.5,over,-110,1,live,2,0\n2024-01-15,C D,30.5,over,-110,1,live,,\n")
    assert parse(header + "2024-01-15,A B,45.5,over,-110,1,,,\n")[0]["phase"].tolist() == ["pregame"]
