"""Bookmaker player names -> slate player ids, within each game.

A book's name is matched only against the players of the same game (both teams), which keeps common names
(two "Jalen Johnson"s in the league) apart. Steps, each on names normalised by :func:`normalize_name`:

1. alias table (``conf/odds/aliases/``): book spelling -> our spelling;
2. exact normalised name;
3. optional initial fallback: "D. Robinson" -> the only player of the game with initial "d" and last name
   "robinson".

A name matching no player, or more than one, is unmatched: it is logged and kept in :class:`MatchReport`,
never silently dropped.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from nba_pra.odds.settings import MatchingSettings

log = logging.getLogger(__name__)

_PARENS = re.compile(r"\([^)]*\)")  # "Kyle Lowry (Phi)", "Jalen (2001) Johnson"
_NON_WORD = re.compile(r"[^a-z0-9 ]+")
_SPACES = re.compile(r"\s+")


def normalize_name(name: str, suffixes: Iterable[str] = ()) -> str:
    """Comparable form of a player name.

    Lower-case ASCII (accents stripped: "Jokić" -> "jokic"), parenthesised tags removed, "Last, First" turned
    into "first last" (unless what follows the comma is only a suffix: "Xavier Tillman, Sr."), punctuation
    removed ("D'Angelo" -> "dangelo", "P.J." -> "pj", "Karl-Anthony" -> "karl anthony"), suffix tokens dropped.
    """
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode("ascii").lower()
    text = _PARENS.sub(" ", text)
    drop = set(suffixes)
    if "," in text:
        head, _, tail = text.partition(",")
        tail_words = _NON_WORD.sub(" ", tail).split()
        if tail_words and not set(tail_words) <= drop:
            text = f"{tail} {head}"
    # hyphens separate words ("Finney-Smith" == "Finney Smith"); apostrophes join ("D'Angelo" == "DAngelo")
    text = _NON_WORD.sub("", text.replace("-", " ").replace(".", " ").replace("'", "").replace("\u2019", ""))
    words = [w for w in _SPACES.split(text.strip()) if w and w not in drop]
    # "P. J. Washington" and "PJ Washington" agree: a leading run of two or more initials becomes one word
    lead = 0
    while lead < len(words) and len(words[lead]) == 1:
        lead += 1
    if lead >= 2:
        words = ["".join(words[:lead]), *words[lead:]]
    return " ".join(words)


@dataclass(frozen=True)
class MatchReport:
    """Outcome of one matching pass: counts and the names that found no player (one row per game and name)."""

    n_names: int
    n_matched: int
    unmatched: pd.DataFrame = field(repr=False)

    @property
    def n_unmatched(self) -> int:
        return len(self.unmatched)


def _alias_map(aliases: Mapping[str, str], suffixes: Iterable[str]) -> dict[str, str]:
    return {normalize_name(k, suffixes): normalize_name(v, suffixes) for k, v in aliases.items()}


def _first_last(key: str) -> str:
    """"brook robert lopez" -> "brook lopez" (middle names dropped)."""
    words = key.split(" ")
    return f"{words[0]} {words[-1]}" if len(words) > 2 else key


def _reversed(key: str) -> str:
    """"murray dejounte" -> "dejounte murray" (a "Last First" listing without comma; two-word names only)."""
    words = key.split(" ")
    return f"{words[1]} {words[0]}" if len(words) == 2 else ""


def _initial(key: str) -> str:
    """"dejounte murray" -> "d murray" (first name cut to its initial)."""
    words = key.split(" ")
    return f"{words[0][0]} {' '.join(words[1:])}" if len(words) >= 2 else ""


def _is_abbreviated(key: str) -> bool:
    words = key.split(" ")
    return len(words) >= 2 and len(words[0]) == 1


def _identity(key: str) -> str:
    return key


def match_players(
    names: pd.DataFrame, slate: pd.DataFrame, settings: MatchingSettings
) -> tuple[pd.DataFrame, MatchReport]:
    """Add ``player_id`` to ``names`` (columns game_id, player_name: the book's spelling).

    Names are compared within each game, in passes that only look at names still unmatched:

    1. normalised name, both sides canonicalised by the alias table (an alias pair means "same person",
       whichever side spells it which way);
    2. first + last word on both sides (middle names: "Brook Robert Lopez");
    3. the book's two words swapped ("Murray Dejounte");
    4. (``initial_fallback``) the book's "D. Robinson" against the game's players cut to "d robinson".

    In every pass a roster key shared by two players of the game identifies nobody. Returns the matched rows
    (all input columns + ``player_id``) and the report of unmatched names.
    """
    suffixes = tuple(settings.suffixes)
    aliases = _alias_map(settings.aliases, suffixes)

    def canonical(name: str) -> str:
        key = normalize_name(name, suffixes)
        return aliases.get(key, key)

    roster = slate[["game_id", "player_id", "player_name"]].drop_duplicates(["game_id", "player_id"]).copy()
    roster["game_id"] = roster["game_id"].astype(str)
    roster["key"] = roster["player_name"].map(canonical)
    book = names[["game_id", "player_name"]].drop_duplicates().copy()
    book["game_id"] = book["game_id"].astype(str)
    book["key"] = book["player_name"].map(canonical)
    book["player_id"] = pd.NA

    passes = [(_identity, _identity), (_first_last, _first_last), (_reversed, _identity)]
    if settings.initial_fallback:
        passes.append((_identity, _initial))
    for book_key, roster_key in passes:
        book = _match_pass(book, roster, book_key, roster_key)

    matched = book.dropna(subset=["player_id"])
    unmatched = book.loc[book["player_id"].isna(), ["game_id", "player_name"]].reset_index(drop=True)
    report = MatchReport(n_names=len(book), n_matched=len(matched), unmatched=unmatched)
    if len(unmatched):
        sample = ", ".join(unmatched["player_name"].drop_duplicates().head(10))
        log.warning(
            "odds matching: %d of %d bookmaker name(s) match no slate player (e.g. %s); add them to "
            "conf/odds/aliases/ if they are real players", len(unmatched), len(book), sample,
        )
    pairs = matched[["game_id", "player_name", "player_id"]].astype({"player_id": "int64"})
    out = names.assign(game_id=names["game_id"].astype(str)).merge(pairs, on=["game_id", "player_name"], how="inner")
    return out, report


def _match_pass(book: pd.DataFrame, roster: pd.DataFrame, book_key, roster_key) -> pd.DataFrame:
    """Fill ``player_id`` of still-unmatched book names whose transformed key is one player's in that game."""
    todo = book["player_id"].isna()
    if roster_key is _initial:
        todo &= book["key"].map(_is_abbreviated)
    if not todo.any():
        return book
    ask = book.loc[todo, ["game_id", "key"]].assign(probe=lambda f: f["key"].map(book_key)).reset_index()
    keys = roster.assign(probe=roster["key"].map(roster_key))
    keys = keys.loc[(keys["probe"] != "") & ~keys.duplicated(["game_id", "probe"], keep=False)]
    hit = ask.loc[ask["probe"] != ""].merge(keys[["game_id", "probe", "player_id"]], on=["game_id", "probe"])
    book = book.copy()
    book.loc[hit["index"].to_numpy(), "player_id"] = hit["player_id"].to_numpy()
    return book
