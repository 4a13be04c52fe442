"""The project's vocabulary: sides, outcomes, the market name and the key tuples, each with one meaning.

The enum values are the strings stored today (ledger rows, parquet files, CSVs), so stored data reads the same.
``StrEnum`` members compare equal to those strings and become plain strings in numpy / pandas columns.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final


class Side(StrEnum):
    """The side of a two-way player prop a bet takes."""

    OVER = "over"
    UNDER = "under"


class Outcome(StrEnum):
    """A settled bet's result (the ledger's ``result`` column)."""

    WIN = "win"
    LOSS = "loss"
    PUSH = "push"
    #: the player did not play: the stake is returned
    VOID = "void"


class LineOutcome(StrEnum):
    """Where a prop's stat total landed against a line (the props table's ``outcome`` column)."""

    OVER = "over"
    UNDER = "under"
    PUSH = "push"
    #: the player did not play: nobody is scored on this prop
    VOID = "void"


class BetPhase(StrEnum):
    """When a bet was decided (the ledger's ``phase`` column): before tip-off or during the game."""

    PREGAME = "pregame"
    LIVE = "live"


#: The Odds API's market key of points + rebounds + assists, the market this project prices
PRA_MARKET: Final = "player_points_rebounds_assists"

#: one player in one game (a prop of the PRA market in evaluation; an out-of-fold row in promotion)
PLAYER_GAME_KEYS: Final = ("game_id", "player_id")
#: one proposition: a player's market in a game (a candidate may be offered on several markets)
PROP_KEYS: Final = ("game_id", "player_id", "market")
