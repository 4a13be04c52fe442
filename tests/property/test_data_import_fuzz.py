"""Fuzzing ``data import`` (issue #23): whatever a box-score or lines file holds, the import either succeeds
with consistent tables or fails with exit 3, one sentence and ``data/`` byte-identical; never a traceback.

Files are generated valid, near-valid (one to three cells or columns broken) and hostile (wrong types, blanks,
NaN, huge ids, odd dates, rich markup, unicode, CSV metacharacters). Each example runs what ``nba-pra data import``
runs -- :func:`import_files` under the CLI's error mapping :func:`run_guarded` -- in-process, in one small project
built once for the module (no DVC repository: ``dvc add`` is skipped with a warning, everything else is the
real path), so 2 x 200 examples fit in CI's budget. Derandomized: CI sees the same examples every run.
"""

from __future__ import annotations

import contextlib
import io
import logging
from collections.abc import Iterator
from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from conftest import copy_project
from nba_pra.cli import run_guarded
from nba_pra.config import Project, load_project
from nba_pra.data import schema
from nba_pra.data.files import import_files
from nba_pra.errors import DataError

#: the import's "today": every generated valid game lies before it
TODAY = date(2024, 6, 30)
SEASON = "2023-24"
TEAMS = ("BOS", "NYK", "LAL", "MIA")
PLAYERS_PER_TEAM = 2
EXAMPLES = 200
FUZZ = settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

#: values no column expects: every kind of garbage a real export has been seen to hold, and then some
HOSTILE = st.sampled_from([
    "", " ", None, np.nan, "nan", "NaN", "None", "null", "inf", "-inf", "1e400", "-1", "0", "1.5", "-0",
    "99999999999999999999", "9007199254740993", "2**63", "0x1F", "1,000", "12:99", "PT", "PT99M", "75:00",
    "2024-02-30", "1850-01-02", "2031-01-02", "9999-12-31", "0001-01-01", "24-01-02", "01/02/2024", "yesterday",
    "2023-24", "2023-25", "garbage", "true", "maybe", "DNP", "[/x]", "[bold]x[/bold]", "[link=http://x]x",
    "Ωμέγα Ünïcödé", "🏀", "\u202e", "x\ny", 'say "hi"', "a,b", "=1+1", "<script>", "\\", "\t",
])


def game_rows(draw: st.DrawFn) -> list[dict]:
    """A valid little league: 1-4 games on distinct dates of one season, two players a side, some DNPs."""
    n_games = draw(st.integers(1, 4))
    days = sorted(draw(st.sets(st.integers(0, 150), min_size=n_games, max_size=n_games)))
    minute_formats = st.sampled_from(["clock", "number", "iso"])
    rows = []
    for g, offset in enumerate(days):
        day = (pd.Timestamp("2023-10-24") + pd.Timedelta(days=offset)).strftime("%Y-%m-%d")
        home, away = draw(st.permutations(TEAMS))[:2]
        for team, opponent in ((home, away), (away, home)):
            for k in range(PLAYERS_PER_TEAM):
                pid = 1_000 * (TEAMS.index(team) + 1) + k
                dnp = k > 0 and draw(st.booleans())
                minutes = draw(st.integers(1, 48))
                shown = {"clock": f"{minutes}:{draw(st.integers(0, 59)):02d}", "number": str(minutes),
                         "iso": f"PT{minutes}M00.00S"}[draw(minute_formats)]
                rows.append({
                    "game_id": f"00223{g:05d}", "game_date": day, "season": SEASON, "player_id": pid,
                    "player_name": f"{team} Player {k}", "team": team, "opponent": opponent, "home": team == home,
                    "starter": k == 0, "minutes": None if dnp else shown,
                    "pts": None if dnp else draw(st.integers(0, 60)), "reb": None if dnp else draw(st.integers(0, 25)),
                    "ast": None if dnp else draw(st.integers(0, 20)),
                })
    return rows


def mutate(draw: st.DrawFn, frame: pd.DataFrame) -> pd.DataFrame:
    """Zero to three breakages: a hostile cell, a dropped or duplicated column or row, shuffled rows."""
    frame = frame.astype(object)
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["cell", "cell", "cell", "drop_column", "duplicate_row", "shuffle"]))
        if kind == "cell":
            row = draw(st.integers(0, len(frame) - 1))
            # .iat is pandas's scalar setter: the hostile value goes into exactly one cell, as typed
            frame.iat[row, draw(st.integers(0, frame.shape[1] - 1))] = draw(HOSTILE)  # noqa: PD009
        elif kind == "drop_column" and frame.shape[1] > 1:
            frame = frame.drop(columns=frame.columns[draw(st.integers(0, frame.shape[1] - 1))])
        elif kind == "duplicate_row":
            frame = pd.concat([frame, frame.iloc[[draw(st.integers(0, len(frame) - 1))]]], ignore_index=True)
        else:
            frame = frame.sample(frac=1.0, random_state=draw(st.integers(0, 2**16))).reset_index(drop=True)
    return frame


def seed_rows() -> pd.DataFrame:
    """Two BOS-NYK games of the season (the second becomes the slate), everybody played."""
    rows = [{"game_id": f"0022399{g:03d}", "game_date": day, "season": SEASON, "player_id": 1_000 * (t + 1) + k,
             "player_name": f"{team} Player {k}", "team": team, "opponent": TEAMS[1 - t], "home": t == g % 2,
             "starter": k == 0, "minutes": "30:00", "pts": 10, "reb": 5, "ast": 3}
            for g, day in enumerate(("2023-11-01", "2023-11-03")) for t, team in enumerate(TEAMS[:2])
            for k in range(PLAYERS_PER_TEAM)]
    return pd.DataFrame(rows)


@st.composite
def box_score_files(draw: st.DrawFn) -> pd.DataFrame:
    return mutate(draw, pd.DataFrame(game_rows(draw)))


@st.composite
def box_scores_with_lines(draw: st.DrawFn) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A valid box-score file and a lines file (raw schema) for its players, valid or broken."""
    box = pd.DataFrame(game_rows(draw))
    played = box.drop_duplicates(["game_id", "player_id"])
    picks = played.iloc[draw(st.lists(st.integers(0, len(played) - 1), min_size=1, max_size=6))]
    lines = pd.DataFrame({
        "game_id": picks["game_id"].to_numpy(), "game_date": picks["game_date"].to_numpy(),
        "player_id": picks["player_id"].to_numpy(), "player_name": picks["player_name"].to_numpy(),
        "bookmaker": draw(st.sampled_from(["DraftKings", "FanDuel"])),
        "line": [draw(st.sampled_from([10.5, 20.0, 25.5, 33.5])) for _ in range(len(picks))],
        "over_price": [draw(st.sampled_from([-115, -110, 100, 105])) for _ in range(len(picks))],
        "under_price": [draw(st.sampled_from([-115, -105, 100, 120])) for _ in range(len(picks))],
    })
    return box, mutate(draw, lines)


# --- the property ---------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True, scope="module")
def _log_to_the_current_stderr() -> Iterator[None]:
    """An earlier test in this process may have left our log handler bound to a stream that is closed now (its
    "--- Logging error ---" traceback would then land in the stderr checked here); without it, the import's
    warnings go through logging's last-resort handler to whatever ``sys.stderr`` is at the time."""
    root = logging.getLogger()
    ours = [h for h in root.handlers if getattr(h, "_nba_pra", False)]
    for handler in ours:
        root.removeHandler(handler)
    yield
    for handler in ours:
        root.addHandler(handler)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """A project without DVC whose data/ holds one import already (so a failure has something to preserve)."""
    root = copy_project(tmp_path_factory.mktemp("fuzz") / "project")
    project = load_project(root)
    seed = root.parent / "seed.csv"
    seed_rows().to_csv(seed, index=False)
    import_files(project, seed, today=TODAY)
    return project


def data_files(project: Project) -> dict[str, bytes]:
    folder = project.path("data")
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def run_import(project: Project, box: pd.DataFrame, lines: pd.DataFrame | None) -> tuple[int, str]:
    """``data import`` in-process: the exit code and stderr."""
    folder = project.root.parent
    box.to_csv(folder / "box.csv", index=False)
    lines_path = None
    if lines is not None:
        lines.to_csv(folder / "lines.csv", index=False)
        lines_path = str(folder / "lines.csv")
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = run_guarded(lambda: (import_files(project, folder / "box.csv", lines_path=lines_path, today=TODAY),
                                    0)[1])
    return code, err.getvalue()


def assert_consistent(project: Project) -> None:
    """The tables an import wrote agree with each other."""
    data = project.path("data")
    box = pd.read_parquet(data / schema.BOX_SCORES_FILE)
    schedule = pd.read_parquet(data / schema.SCHEDULE_FILE)
    rosters = pd.read_parquet(data / schema.ROSTERS_FILE)
    lines = pd.read_parquet(data / schema.LINES_FILE)
    assert not (data / schema.GROUND_TRUTH_FILE).exists() and not (data / schema.INJURY_REPORT_FILE).exists()
    assert list(box.columns[: len(schema.BOX_SCORE_COLUMNS)]) == list(schema.BOX_SCORE_COLUMNS)
    assert box["player_id"].dtype == np.int64 and (box["player_id"] > 0).all()
    assert box[["game_id", "season", "player_name", "team", "opponent"]].notna().all().all()
    assert set(box["season"]) == {SEASON}
    assert box.groupby(["game_id", "team"])["played"].any().all()  # somebody played in every game
    final = schedule.loc[schedule["status"] == schema.STATUS_FINAL]
    scheduled = schedule.loc[schedule["status"] == schema.STATUS_SCHEDULED]
    assert set(box["game_id"]) == set(final["game_id"])
    assert len(scheduled) >= 1 and scheduled["game_date"].nunique() == 1
    assert box.empty or scheduled["game_date"].iloc[0] > box["game_date"].max()
    assert scheduled["game_date"].iloc[0] <= pd.Timestamp(TODAY)
    assert set(rosters["player_id"]) <= set(box["player_id"])
    assert set(lines["game_id"]) <= set(schedule["game_id"])


def assert_imports_or_fails_cleanly(project: Project, box: pd.DataFrame, lines: pd.DataFrame | None) -> None:
    before = data_files(project)
    code, err = run_import(project, box, lines)
    assert code in (0, DataError.exit_code), f"exit {code}: {err}"
    # the mix of outcomes (see --hypothesis-show-statistics): a fuzzer whose every file fails proves little
    event(f"exit {code}" + (f" ({err.split('rule ')[1].split(' ')[0]})" if "rule '" in err else ""))
    if code == 0:
        # warnings may reach stderr (this project has no DVC repository); errors and tracebacks may not
        assert "error:" not in err and "Traceback" not in err, err
        assert_consistent(project)
    else:
        assert err.startswith("error: ") and err.count("\n") == 1, err
        assert data_files(project) == before
    assert not [p for p in project.root.iterdir() if p.name.startswith(".data.")]  # no staging left behind


@FUZZ
@given(box=box_score_files())
def test_any_box_score_file_imports_consistently_or_fails_with_one_sentence(project: Project,
                                                                             box: pd.DataFrame) -> None:
    assert_imports_or_fails_cleanly(project, box, None)


@FUZZ
@given(files=box_scores_with_lines())
def test_any_lines_file_imports_consistently_or_fails_with_one_sentence(
    project: Project, files: tuple[pd.DataFrame, pd.DataFrame]
) -> None:
    assert_imports_or_fails_cleanly(project, *files)
