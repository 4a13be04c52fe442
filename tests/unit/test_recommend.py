"""``nba-pra recommend`` tells the truth: state and gate reason per bet, the synthetic banner, suspect edges."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import pytest
from rich.console import Console

from nba_pra.betting.decisions import pricing_of, suspect_edges
from nba_pra.config import Project, load_project
from nba_pra.reporting.recommend import footnotes, show, state_counts

REASON = "no_evidence: fastline ROI -1.2% [-5.0%, +2.6%] on 140 bets (market_aware, 2024-10-22..2024-12-20)"


def candidate(player: str, edge: float, state: str, stake: float, *, decision: str = "bet",
              suspect: bool = False, reason: str = "") -> dict[str, object]:
    return {
        "bet_id": f"{player}-{edge}", "game_id": "G1", "game_date": pd.Timestamp("2025-01-02"), "player_id": 1,
        "player_name": player, "team": "BOS", "opponent": "NYK", "bookmaker": "fastline", "side": "over",
        "line": 30.5, "price": -110.0, "mean": 33.0, "p_over": 0.6, "p_under": 0.4, "p_push": 0.0, "p_win": 0.6,
        "edge": edge, "stake": stake, "decision": decision, "reason": decision, "pricing": "market_aware",
        "state": state, "gate_reason": reason, "edge_suspect": suspect,
    }


CANDIDATES = pd.DataFrame([
    candidate("Staked One", 0.05, "staked", 0.02),
    candidate("[bold]Paper[/bold] Two", 0.17, "paper", 0.0, suspect=True, reason=REASON),
    candidate("Paper Three", 0.04, "paper", 0.0, reason=REASON),
    candidate("Passed Four", 0.01, "", 0.0, decision="pass"),
])


@pytest.fixture
def project(tmp_path: Path, project_root: Path) -> Project:
    settings = load_project(project_root).settings
    root = tmp_path / "proj"
    (root / "artifacts").mkdir(parents=True)
    CANDIDATES.to_parquet(root / "artifacts" / "candidates.parquet")
    bets = CANDIDATES[CANDIDATES["decision"] == "bet"].rename(columns={"stake": "stake_fraction"})
    bets.to_csv(root / "artifacts" / "bets.csv", index=False)
    return Project(root=root, settings=settings)


def printed(project: Project, **kwargs: object) -> str:
    console = Console(width=400, record=True, color_system=None)
    show(project, show_all=False, limit=20, console=console, **kwargs)
    return console.export_text()


def test_bets_are_counted_by_state() -> None:
    assert state_counts(CANDIDATES) == "1 staked, 2 paper"
    assert state_counts(CANDIDATES.drop(columns="state").head(1)) == "1 staked, 0 paper"  # pre-gate decisions
    assert pricing_of(CANDIDATES) == "market_aware" and pricing_of(CANDIDATES.drop(columns="pricing")) is None


def test_suspect_edges_come_from_the_stage_or_from_the_configured_bound() -> None:
    assert suspect_edges(CANDIDATES, 0.10).tolist() == [False, True, False, False]
    old = CANDIDATES.drop(columns="edge_suspect")
    assert suspect_edges(old, 0.045).tolist() == [True, True, False, False]
    assert not suspect_edges(old, None).any()


def test_the_table_shows_banner_state_reason_pricing_and_flags_suspect_edges(project: Project) -> None:
    out = printed(project)
    lines = out.splitlines()
    assert lines[0].startswith("SYNTHETIC DATA AND MARKET")
    assert "3 bets for 2025-01-02 (1 staked, 2 paper); pricing market_aware" in out
    # markup in a name is shown, not applied; staked bets come first
    rows = [line for line in lines if "fastline" in line]
    assert ["Staked One" in rows[0], "Paper[/bold] Two" in rows[1], "Paper Three" in rows[2]] == [True] * 3
    paper_row = rows[1]
    assert "[bold]Paper[/bold] Two" in paper_row
    assert "PAPER" in paper_row and "0.170 !" in paper_row and REASON in paper_row
    staked_row = next(line for line in lines if "Staked One" in line)
    assert "STAKED" in staked_row and "0.050 !" not in staked_row and "no_evidence" not in staked_row
    assert "! edge above 10%: more likely model error than value" in out
    assert "Passed Four" not in out


def test_real_data_and_market_print_no_banner(project: Project) -> None:
    real = dataclasses.replace(
        project.settings,
        data=dataclasses.replace(project.settings.data, source="files"),
        odds=dataclasses.replace(project.settings.odds, provider="historical"),
    )
    out = printed(dataclasses.replace(project, settings=real))
    assert "SYNTHETIC" not in out and out.splitlines()[0].strip().startswith("3 bets")


def test_footnotes_only_explain_marks_that_appear() -> None:
    plain = CANDIDATES.iloc[[0]]
    assert footnotes(plain, 0.10) == []
    assert len(footnotes(CANDIDATES, 0.10)) == 2


def test_player_team_and_book_names_print_exactly_as_written(tmp_path: Path, project_root: Path) -> None:
    # a closing tag with nothing open crashed rich; a trailing backslash came out doubled by markup escaping
    names = {"player_name": "Kyle [/x] Lillard\\", "team": "[/b]POR", "bookmaker": "Book [red]One\\"}
    root = tmp_path / "proj"
    (root / "artifacts").mkdir(parents=True)
    bets = pd.DataFrame([{**candidate("x", 0.05, "staked", 0.02), **names}])
    bets.to_parquet(root / "artifacts" / "candidates.parquet")
    bets.rename(columns={"stake": "stake_fraction"}).to_csv(root / "artifacts" / "bets.csv", index=False)
    row = next(line for line in printed(Project(root=root, settings=load_project(project_root).settings)).splitlines()
               if "Lillard" in line)
    cells = [cell.strip() for cell in row.split("│")]
    assert {"Kyle [/x] Lillard\\", "[/b]POR", "Book [red]One\\"} <= set(cells)


def test_book_names_in_the_market_tables_print_exactly_as_written() -> None:
    from nba_pra.reporting.market import betting_table

    frame = pd.DataFrame({"method": ["model"], "price_source": ["Book [/x] One"], "strategy": ["all picks"],
                          "bets": [3], "win_rate": [0.5], "roi": [0.1], "roi_lo": [-0.1], "roi_hi": [0.2]})
    console = Console(width=400, record=True, color_system=None)
    console.print(betting_table(frame))
    assert "│ Book [/x] One │" in console.export_text()


def printed_all(project: Project, limit: int) -> str:
    console = Console(width=400, record=True, color_system=None)
    show(project, show_all=True, limit=limit, console=console)
    return console.export_text()


def test_a_cut_table_says_how_many_rows_it_shows_and_limit_0_shows_all(project: Project) -> None:
    out = printed_all(project, limit=2)
    assert "showing 2 of 4 candidates (--limit N, --limit 0 for all)" in out
    assert sum("fastline" in line for line in out.splitlines()) == 2
    everything = printed_all(project, limit=0)
    # --limit 0 printed an empty table
    assert sum("fastline" in line for line in everything.splitlines()) == 4 and "showing" not in everything


def test_all_candidates_show_the_price_and_a_count_per_reason(project: Project) -> None:
    out = printed_all(project, limit=0)
    header = next(line for line in out.splitlines() if "player" in line and "book" in line)
    assert [c.strip() for c in header.split("┃")].count("price") == 1
    assert "│ -110  │" in next(line for line in out.splitlines() if "Staked One" in line)
    assert "reasons: bet 3 of 4, pass 1 of 4" in out


def test_the_reason_column_carries_the_rules_value_and_threshold(project: Project, tmp_path: Path) -> None:
    root = tmp_path / "detail"
    (root / "artifacts").mkdir(parents=True)
    frame = pd.DataFrame([
        {**candidate("Wobbly Five", 0.2, "", 0.0, decision="pass"), "reason": "max_cv", "cv": 0.41},
        {**candidate("Stored Six", 0.2, "", 0.0, decision="pass"), "reason": "min_edge",
         "reason_detail": "min_edge: edge 0.020 < 0.030"},
    ])
    frame.iloc[[0]].to_parquet(root / "artifacts" / "candidates.parquet")
    out = printed_all(Project(root=root, settings=project.settings), limit=0)
    # a decision written before reason_detail existed is explained from the configured threshold (max_cv 0.35)
    assert "max_cv: CV 0.41 > 0.35" in out
    frame.iloc[[1]].to_parquet(root / "artifacts" / "candidates.parquet")
    assert "min_edge: edge 0.020 < 0.030" in printed_all(Project(root=root, settings=project.settings), limit=0)


def _slate(root: Path) -> pd.DataFrame:
    """Two props priced by the raw model with the project's betting settings: P7's over at -110 (P(win) 0.71,
    edge 0.35) passes; P8's (P(win) 0.57, edge 0.10) fails min_confidence 0.60 though its edge passes."""
    from test_betting_engine import line, prediction

    from nba_pra.betting.engine import evaluate_candidates
    from settings_support import model_pricing

    settings = load_project(root).settings.betting
    preds = pd.DataFrame([prediction(7, mean=30.0), prediction(8, mean=30.0, game_id="G2")])
    lines = pd.DataFrame([line(7, 26.5), line(8, 28.5, game_id="G2")])
    frame = evaluate_candidates(preds, lines, settings, 1.0, **model_pricing())
    (root / "artifacts").mkdir(exist_ok=True)
    frame.to_parquet(root / "artifacts" / "candidates.parquet")
    return frame


def test_recommend_applies_betting_overrides_and_names_the_rule_that_binds(tmp_project: Path, capsys) -> None:
    from nba_pra.cli import main

    frame = _slate(tmp_project).set_index("player_id")
    bet, other = frame.loc[7], frame.loc[8]
    assert (bet["reason"], other["reason"]) == ("bet", "min_confidence") and other["edge"] > 0.03
    # an edge threshold above the bet's edge: the bet goes (it was listed whatever min_edge said)
    above = f"{bet['edge'] + 0.01:.3f}"
    assert main(["recommend", f"betting.min_edge={above}"]) == 0
    out = capsys.readouterr().out
    assert f"what-if: the last bet stage's candidates decided again with betting.min_edge={above}" in out
    assert "No bets today" in out and "warning" not in out
    # between the two edges: P8 is now rejected by min_edge, but min_confidence rejected it anyway
    between = f"{(bet['edge'] + other['edge']) / 2:.3f}"
    assert main(["recommend", f"betting.min_edge={between}"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert (f"warning: betting.min_edge={between} changes no bet: min_confidence binds first; the 1 candidates "
            f"whose min_edge verdict it changes are rejected anyway (min_confidence 1; e.g. min_confidence: "
            f"P(win) {other['confidence']:.3f} < 0.600)") in out
    assert "1 bets for 2024-01-05" in out
    # an override of how the slate is priced cannot change stored decisions: said, not silently ignored
    assert main(["recommend", "pricing.method=market"]) == 0
    assert "warning: pricing.method=market changes nothing here" in " ".join(capsys.readouterr().out.split())


def test_a_negative_limit_is_rejected_in_one_sentence(capsys) -> None:
    from nba_pra.cli import main

    with pytest.raises(SystemExit) as exit_:
        main(["recommend", "--limit", "-3"])
    assert exit_.value.code == 2
    assert "'-3' is not a number of rows (0 or more; 0 prints every row)" in capsys.readouterr().err
