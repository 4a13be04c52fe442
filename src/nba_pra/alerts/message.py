"""What an alert says: the bets worth a notification, as text, a Slack-compatible payload and an email.

Pure functions of the bets frame written by the bet stage (``artifacts/bets.csv``): one row per bet with
``game_date, player_name, team, opponent, bookmaker, side, line, price, p_win, edge, stake_fraction``.
"""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any, cast

import pandas as pd

#: columns an alert line uses; a bets frame missing one cannot be alerted
ALERT_COLUMNS = ("game_date", "player_name", "side", "line", "price", "p_win", "edge")


def select_alert_bets(bets: pd.DataFrame, min_edge: float) -> pd.DataFrame:
    """Bets with ``edge >= min_edge`` (expected return per unit staked), highest edge first."""
    if bets.empty or "edge" not in bets.columns:
        return bets.iloc[0:0]
    chosen = bets[bets["edge"].astype(float) >= min_edge]
    return chosen.sort_values("edge", ascending=False, kind="stable")


def _price(value: object) -> str:
    number = float(value)  # type: ignore[arg-type]
    return f"{number:+.0f}"


def bet_line(row: dict[str, Any]) -> str:
    """One bet as a line, e.g.
    ``Shai Hayes (LAC vs LAL) UNDER 53.5 @ -110 at fastline: edge 73.6%, P(win) 91.0%, stake 5.00%``.
    """
    matchup = f" ({row['team']} vs {row['opponent']})" if "team" in row and "opponent" in row else ""
    book = f" at {row['bookmaker']}" if row.get("bookmaker") else ""
    stake = f", stake {float(row['stake_fraction']):.2%}" if "stake_fraction" in row else ""
    return (
        f"{row['player_name']}{matchup} {str(row['side']).upper()} {float(row['line']):g}"
        f" @ {_price(row['price'])}"
        f"{book}: edge {float(row['edge']):.1%}, P(win) {float(row['p_win']):.1%}{stake}"
    )


def headline(chosen: pd.DataFrame, min_edge: float) -> str:
    """``3 bets with edge >= 8.0% for 2024-12-21``."""
    dates = pd.to_datetime(chosen["game_date"])
    when = f" for {dates.min().date()}" if len(dates) else ""
    noun = "bet" if len(chosen) == 1 else "bets"
    return f"{len(chosen)} {noun} with edge >= {min_edge:.1%}{when}"


def body_lines(chosen: pd.DataFrame, max_bets: int) -> list[str]:
    """At most ``max_bets`` bet lines, then ``... and N more`` when some were left out."""
    lines = [bet_line(row) for row in cast(list[dict[str, Any]], chosen.head(max_bets).to_dict("records"))]
    if len(chosen) > max_bets:
        lines.append(f"... and {len(chosen) - max_bets} more")
    return lines


def slack_payload(chosen: pd.DataFrame, min_edge: float, max_bets: int) -> dict[str, Any]:
    """Slack incoming-webhook JSON: ``text`` (the fallback any compatible receiver shows) plus ``blocks``."""
    title = headline(chosen, min_edge)
    lines = body_lines(chosen, max_bets)
    return {
        "text": "\n".join([f"nba-pra: {title}", *lines]),
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": f"nba-pra: {title}"}},
            {"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(f"• {line}" for line in lines)}},
        ],
    }


def email_message(
    chosen: pd.DataFrame, min_edge: float, max_bets: int, *,
    sender: str, recipients: tuple[str, ...], prefix: str,
) -> EmailMessage:
    """A plain-text email of the same content."""
    message = EmailMessage()
    message["Subject"] = f"{prefix} {headline(chosen, min_edge)}".strip()
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message.set_content("\n".join(body_lines(chosen, max_bets)) + "\n")
    return message
