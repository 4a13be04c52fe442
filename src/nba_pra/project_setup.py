"""``nba-pra init`` and ``nba-pra data generate --advance``: the project's sources in one committed conf file.

``conf/setup/init.yaml`` (:data:`SETUP_FILE`) is a Hydra config in the global package, composed after
``conf/config.yaml`` (``- optional setup: init`` ends its defaults list), so every command, ``params.yaml``
(``nba-pra config dump``) and ``dvc repro`` / ``dvc exp run`` see the same choice. It overrides the ``data``,
``availability`` and ``odds`` groups, says where the odds key lives (variable name and dotenv file: never the key)
and may move the synthetic league's "today" (``data.synthetic.current_season_days_played``). It holds no secret,
so it is committed with ``params.yaml``: a clone (or a queued ``dvc exp run`` workspace, which holds only
committed files) composes the same configuration. Without it the project is the synthetic demo.

Only consistent combinations are written (:func:`check_combination`): the synthetic league has its own
availability report and books; real box scores need a real availability source (or none) and real lines.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import yaml

from nba_pra.errors import ConfigError

SETUP_DIR: Final = "setup"
SETUP_OPTION: Final = "init"
#: relative to the project root
SETUP_FILE: Final = f"conf/{SETUP_DIR}/{SETUP_OPTION}.yaml"

DATA_SOURCES: Final = ("synthetic", "files", "nba_api")
AVAILABILITY_SOURCES: Final = ("none", "synthetic", "official", "files")
ODDS_PROVIDERS: Final = ("synthetic", "theoddsapi", "historical")
SYNTHETIC: Final = "synthetic"

#: what each choice means (prompts and the written file's comments)
MEANING: Final[dict[str, dict[str, str]]] = {
    "data": {"synthetic": "the seeded simulated league (offline demo)",
             "files": "box scores imported from a CSV/parquet file (`nba-pra data import PATH`)",
             "nba_api": "box scores and schedule fetched from stats.nba.com (`nba-pra data fetch`)"},
    "availability": {"none": "no pre-game injury report (pre_* features unknown)",
                     "synthetic": "the synthetic league's own pre-game report",
                     "official": "the NBA's official injury report PDFs, fetched before each cut-off",
                     "files": "cached report PDFs plus a Rotowire-format lineups file"},
    "odds": {"synthetic": "the synthetic league's simulated books",
             "theoddsapi": "The Odds API v4 (live; needs a key)",
             "historical": "a recorded lines file (our schema or The Odds API export)"},
}

#: the next command to run after init, by data source
NEXT_COMMAND: Final[dict[str, str]] = {
    "synthetic": "nba-pra pipeline",
    "files": "nba-pra data import BOX_SCORES_FILE, then nba-pra pipeline",
    "nba_api": "nba-pra data fetch, then nba-pra pipeline",
}


@dataclasses.dataclass(frozen=True)
class Setup:
    """What the setup file pins. ``None``: not pinned (``conf/config.yaml``'s default applies)."""

    data: str | None = None
    availability: str | None = None
    odds: str | None = None
    #: odds=theoddsapi: the variable holding the key, and the dotenv file read when it is not set
    key_env: str | None = None
    env_file: str | None = None
    #: odds=historical: the recorded lines file (relative paths are under data/)
    lines: str | None = None
    #: availability=files: the Rotowire-format lineups file (relative paths are under data/)
    lineups: str | None = None
    #: data=synthetic: calendar days of the current season played (the next game day is the slate)
    days_played: int | None = None


def check_combination(data: str, availability: str, odds: str) -> None:
    """Raise :class:`ConfigError` (one sentence) for a combination of sources that cannot work together."""
    for value, allowed, what in ((data, DATA_SOURCES, "data source"),
                                 (availability, AVAILABILITY_SOURCES, "availability source"),
                                 (odds, ODDS_PROVIDERS, "odds provider")):
        if value not in allowed:
            raise ConfigError(f"unknown {what} {value!r}: choose one of {', '.join(allowed)}")
    if data == SYNTHETIC:
        if availability not in (SYNTHETIC, "none"):
            raise ConfigError(f"availability {availability} reports on real players, but data synthetic is a "
                              "simulated league: choose availability synthetic or none")
        if odds != SYNTHETIC:
            raise ConfigError(f"odds {odds} quote real players, but data synthetic is a simulated league: choose "
                              "odds synthetic (or a real data source)")
        return
    if availability == SYNTHETIC:
        raise ConfigError(f"availability synthetic is the simulated league's own report and says nothing about "
                          f"data {data}: choose availability none, official or files")
    if odds == SYNTHETIC:
        raise ConfigError(f"odds synthetic are the simulated league's books and quote none of data {data}'s "
                          "players: choose odds theoddsapi or historical")


def _comment(group: str, option: str) -> str:
    return MEANING[group].get(option, "")


def render_setup(setup: Setup, written_on: str) -> str:
    """The text of :data:`SETUP_FILE` for ``setup`` (every value with a comment saying what it means)."""
    lines = [
        "# @package _global_",
        f"# Written by `nba-pra init` / `nba-pra data generate --advance` ({written_on}): this project's sources.",
        "# Composed after conf/config.yaml, so every command, params.yaml and `dvc repro` use it. No secret lives",
        "# here: commit it with params.yaml.",
        "# Rerun `nba-pra init` to change it; delete it to return to the synthetic demo.",
    ]
    pins = [(g, v) for g, v in (("data", setup.data), ("availability", setup.availability), ("odds", setup.odds))
            if v is not None]
    if pins:
        lines.append("defaults:")
        lines += [f"  - override /{group}: {value}   # {_comment(group, value)}" for group, value in pins]
    body: dict[str, Any] = {}
    if setup.days_played is not None:
        body["data"] = {"synthetic": {"current_season_days_played": setup.days_played}}
    if setup.key_env or setup.env_file:
        body.setdefault("odds", {})["theoddsapi"] = {
            **({"api_key_env": [setup.key_env]} if setup.key_env else {}),
            **({"env_file": setup.env_file} if setup.env_file else {}),
        }
    if setup.lines:
        body.setdefault("odds", {})["historical"] = {"path": setup.lines}
    if setup.lineups:
        body["availability"] = {"lineups": {"path": setup.lineups}}
    comments = {
        "current_season_days_played": "calendar days of the current season played (next game day: the slate)",
        "api_key_env": "the odds key is read from this variable, else from env_file (never stored here)",
        "env_file": "dotenv file read when the variable is not set (relative to the project root)",
        "path": "relative paths are under data/",
    }
    for line in yaml.safe_dump(body, sort_keys=False, default_flow_style=False).splitlines() if body else []:
        key = line.strip().split(":")[0]
        lines.append(f"{line}   # {comments[key]}" if key in comments else line)
    return "\n".join(lines) + "\n"


def read_setup(path: Path) -> Setup:
    """The setup a file written by :func:`render_setup` pins (an empty :class:`Setup` when there is none)."""
    if not path.is_file():
        return Setup()
    try:
        data = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path} is not valid YAML ({exc.__class__.__name__}); rerun `nba-pra init`") from exc
    pins: dict[str, str] = {}
    for entry in data.get("defaults", []):
        for key, value in (entry.items() if isinstance(entry, Mapping) else ()):
            pins[str(key).removeprefix("override /")] = str(value)
    theoddsapi = data.get("odds", {}).get("theoddsapi", {})
    keys = theoddsapi.get("api_key_env") or [None]
    return Setup(
        data=pins.get("data"), availability=pins.get("availability"), odds=pins.get("odds"),
        key_env=keys[0], env_file=theoddsapi.get("env_file"),
        lines=data.get("odds", {}).get("historical", {}).get("path"),
        lineups=data.get("availability", {}).get("lineups", {}).get("path"),
        days_played=data.get("data", {}).get("synthetic", {}).get("current_season_days_played"),
    )


def write_setup(root: Path, setup: Setup, written_on: str) -> Path:
    """Write :data:`SETUP_FILE`, then compose and validate the whole configuration with it and regenerate
    ``params.yaml``; a configuration that does not validate puts the previous file back and raises."""
    from nba_pra.config import load_project
    from nba_pra.pipeline import sync_params

    path = root / SETUP_FILE
    before = path.read_text() if path.is_file() else None
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_setup(setup, written_on))
    try:
        load_project(root)
    except ConfigError:
        if before is None:
            path.unlink()
        else:
            path.write_text(before)
        raise
    sync_params(root)
    return path


@dataclasses.dataclass(frozen=True)
class Check:
    """One source checked once: ``ok`` and a sentence (never a secret)."""

    ok: bool
    message: str


def _under_data(data_dir: Path, name: str) -> Path:
    path = Path(name)
    return path if path.is_absolute() else data_dir / path


def check_sources(setup: Setup, *, data_dir: Path, root: Path, key_variables: Sequence[str],
                  env_file: str) -> list[Check]:
    """Each chosen source checked once, without network: data present, files there, the odds key found."""
    from nba_pra.credentials import read_secret
    from nba_pra.data.schema import BOX_SCORES_FILE

    checks = []
    box = data_dir / BOX_SCORES_FILE
    if setup.data == SYNTHETIC:
        checks.append(Check(True, "data synthetic: " + ("the league is in data/" if box.is_file() else
                                                         "the pipeline generates the league into data/")))
    elif box.is_file():
        checks.append(Check(True, f"data {setup.data}: box scores found in {box.relative_to(root)}"))
    else:
        how = "nba-pra data fetch" if setup.data == "nba_api" else "nba-pra data import BOX_SCORES_FILE"
        checks.append(Check(False, f"data {setup.data}: no box scores in data/ yet: run `{how}`"))
    if setup.availability == "files":
        lineups = _under_data(data_dir, setup.lineups or "")
        checks.append(Check(lineups.is_file(), f"availability files: lineups file {lineups} "
                                               + ("found" if lineups.is_file() else "is missing")))
    elif setup.availability == "official":
        checks.append(Check(True, "availability official: reports are fetched before each cut-off (network)"))
    if setup.odds == "theoddsapi":
        variables = [setup.key_env] if setup.key_env else list(key_variables)
        # where the key is, never what it is
        in_env = next((f"${v}" for v in variables if os.environ.get(v, "").strip()), None)
        in_file = env_file if in_env is None and read_secret(variables, str(root / env_file)) else None
        found = in_env or in_file
        checks.append(Check(found is not None, f"odds theoddsapi: key found in {found}" if found else
                            f"odds theoddsapi: no key in ${' or $'.join(variables)} or {env_file}: put "
                            f"{variables[0]}=<your key> in {env_file} (git-ignored)"))
    elif setup.odds == "historical":
        lines = _under_data(data_dir, setup.lines or "")
        checks.append(Check(lines.is_file(), f"odds historical: lines file {lines} "
                                             + ("found" if lines.is_file() else "is missing")))
    return checks


def next_command(setup: Setup, checks: Sequence[Check]) -> str:
    """The command to run next: the data step when data are missing, else the pipeline."""
    data_ready = all(c.ok for c in checks if c.message.startswith("data "))
    return NEXT_COMMAND[setup.data or SYNTHETIC] if not data_ready else "nba-pra pipeline"


#: the availability source and odds provider proposed for each data source (consistent by construction)
DEFAULT_AVAILABILITY: Final = {"synthetic": "synthetic", "files": "none", "nba_api": "official"}
DEFAULT_ODDS: Final = {"synthetic": "synthetic", "files": "historical", "nba_api": "theoddsapi"}


def advance_synthetic(root: Path, days_played: int, days: int, written_on: str) -> int:
    """Move the synthetic league's "today" forward ``days`` calendar days from ``days_played`` (pinned in
    :data:`SETUP_FILE`, so params.yaml and ``dvc repro`` see it too); returns the new days played."""
    if days < 1:
        raise ConfigError(f"--advance {days}: give a number of days of 1 or more")
    setup = read_setup(root / SETUP_FILE)
    if setup.data not in (None, SYNTHETIC):
        raise ConfigError(f"--advance moves the synthetic league, but {SETUP_FILE} sets data {setup.data}")
    new = days_played + days
    write_setup(root, dataclasses.replace(setup, days_played=new), written_on)
    return new
