"""``nba-pra`` command line: parse arguments, build settings, dispatch. No domain logic here.

Every verb that runs work accepts Hydra overrides of ``conf/`` (``nba-pra train cv.n_folds=5``); flags such
as ``--strict`` are just overrides with a name.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from nba_pra import __version__
from nba_pra.errors import ConfigError, NbaPraError

log = logging.getLogger("nba_pra")

#: what ``nba-pra --help`` tells its user (the module docstring above is for developers)
DESCRIPTION = (
    "Predict each NBA player's PRA (points + rebounds + assists) as a distribution, price sportsbook props and "
    "keep a ledger of the bets. Start with `nba-pra init` (choose the data, availability and odds sources; the "
    "default is a synthetic demo league), then `nba-pra pipeline` runs the day and prints its bets."
)
EPILOG = (
    "Commands that run work take Hydra overrides of conf/ after them (nba-pra train cv.n_folds=5). "
    "`nba-pra COMMAND -h` shows a command's options."
)

Handler = Callable[[argparse.Namespace], int]


def _overrides(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("overrides", nargs="*", metavar="KEY=VALUE", help="Hydra overrides of conf/")


def _row_limit(text: str) -> int:
    """``--limit``: a whole number of rows, 0 meaning all of them."""
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of rows (0 or more; 0 prints every row)")
    return value


def _flag_overrides(args: argparse.Namespace) -> list[str]:
    extra = []
    if getattr(args, "strict", False):
        extra.append("odds.strict=true")
    if getattr(args, "strict_freshness", False):
        extra.append("data.freshness.strict=true")
    if getattr(args, "strict_availability", False):
        extra.append("availability.strict=true")
    if getattr(args, "refresh", False):
        extra.append("odds.refresh=true")
    if getattr(args, "command", "") == "market":
        # files given on the command line are relative to the caller's directory, not the project root
        for flag, key in (("box_scores", "market.box_scores"), ("lines", "market.lines")):
            if getattr(args, flag, None):
                extra.append(f"{key}={Path(getattr(args, flag)).absolute()}")
        if args.season:
            extra.append(f"market.season={args.season}")
    # MLproject passes all overrides as one (possibly empty) argument: split on whitespace, drop empties
    given = [part for arg in getattr(args, "overrides", []) for part in arg.split()]
    return [*given, *extra]


#: the project lock of the running command (released when main returns)
_LOCKS = contextlib.ExitStack()
#: commands that change project state (data, stage outputs, ledger, registry) hold the project lock; the rest
#: (status, recommend, dashboard, config, schedule) only read
LOCKING_COMMANDS = frozenset({"init", "availability", "features", "train", "predict", "evidence", "bet", "ledger",
                              "pipeline", "backtest", "market", "promote", "compare", "data", "job", "odds",
                              "migrate"})


def _project(args: argparse.Namespace):
    from nba_pra.config import load_project
    from nba_pra.logs import setup_logging
    from nba_pra.redaction import remember, secrets_of

    project = load_project(overrides=_flag_overrides(args))
    remember(*secrets_of(project.settings))
    setup_logging(project.path("logs"), verbose=args.verbose, quiet=args.quiet)
    if args.command in LOCKING_COMMANDS:
        from nba_pra.operations.lock import project_lock

        schedule = project.settings.schedule
        wait = schedule.job_lock_wait_s if args.command == "job" else schedule.lock_wait_s
        _LOCKS.enter_context(project_lock(project.path("cache"), " ".join(["nba-pra", *args.argv]), wait))
    return project


def _stage(module: str) -> Handler:
    def handler(args: argparse.Namespace) -> int:
        import importlib

        project = _project(args)
        importlib.import_module(f"nba_pra.stages.{module}").run(project)
        return 0

    return handler


_LEDGER_ACTIONS = ("export", "import")
_BACKFILL = "backfill"


def _cmd_availability(args: argparse.Namespace) -> int:
    """``availability`` alone runs the stage; ``availability backfill --from D --to D`` fills the archive."""
    words = list(args.overrides)
    if not words or words[0] != _BACKFILL:
        if args.date_from or args.date_to:
            raise ConfigError("--from/--to belong to `nba-pra availability backfill --from D --to D`")
        return _stage("availability")(args)
    args.overrides = words[1:]
    from nba_pra.availability.backfill import backfill

    print(backfill(_project(args), args.date_from, args.date_to).summary())
    return 0


def _cmd_ledger(args: argparse.Namespace) -> int:
    """``ledger`` alone runs the stage; ``ledger export PATH`` / ``ledger import PATH`` transfer bets."""
    words = list(args.overrides)
    if not words or words[0] not in _LEDGER_ACTIONS:
        return _stage("ledger")(args)
    action, rest = words[0], words[1:]
    if not rest or "=" in rest[0]:
        raise ConfigError(f"`nba-pra ledger {action}` needs a file path: nba-pra ledger {action} PATH")
    args.overrides = rest[1:]
    # resolved before _project: the user's path is relative to where they ran the command
    path = Path(rest[0]).resolve()
    from nba_pra.ledger import transfer
    from nba_pra.stages.ledger import open_store

    project = _project(args)
    with open_store(project) as store:
        if action == "export":
            n = transfer.export_ledger(store, path, args.format)
            print(f"exported {n} bets to {path}")
            return 0
        report = transfer.import_ledger(store, path, players=transfer.project_players(project.path("data")))
    print(
        f"imported {path.name}: {report.rows} rows, {report.bets_added} bets and {report.settlements_added} "
        f"settlements added, {report.already_present} already in the ledger, "
        f"{report.duplicates_dropped} duplicate rows dropped, "
        f"{report.surrogate_player_ids} players without a known id"
    )
    return 0


def _cmd_recommend(args: argparse.Namespace) -> int:
    from nba_pra.reporting import recommend

    recommend.show(_project(args), show_all=args.all, limit=args.limit, overrides=_flag_overrides(args))
    return 0


def _cmd_status(args: argparse.Namespace) -> int:
    from nba_pra.reporting import status

    status.show(_project(args), clv=args.clv)
    return 0


def _cmd_train(args: argparse.Namespace) -> int:
    """An explicit ``train`` moves the training window to the slate (the daily run retrains on a schedule);
    ``-m`` trains and registers once per sweep point (``model=xgboost,lightgbm``)."""
    from nba_pra.stages import train, training_set

    if args.multirun:
        from nba_pra.train_multirun import format_summary, train_points

        overrides = _flag_overrides(args)
        # the lock and logging come from the project's conf/ as it is; each point composes its own overrides
        args.overrides = []
        project = _project(args)
        print(format_summary(train_points(project.root, overrides)))
        return 0
    project = _project(args)
    training_set.run(project, force=True)
    train.run(project)
    return 0


def _cmd_pipeline(args: argparse.Namespace) -> int:
    from nba_pra.pipeline import run_pipeline

    return run_pipeline(_project(args), force=args.force, retrain=args.retrain, push=not args.no_push)


def _cmd_job(args: argparse.Namespace) -> int:
    from nba_pra.operations.jobs import run_job
    from nba_pra.operations.schedule import Job

    # no overrides: an unattended job runs the project's conf/ as it is, like the pipeline it runs
    return run_job(Job(args.job), _project(args), dispatch)


def _cmd_schedule(args: argparse.Namespace) -> int:
    from nba_pra.operations.install import show_schedule

    project = _project(args)
    return show_schedule(project, fmt=args.format, install=args.install, unit_dir=args.unit_dir,
                         refresh_installed=args.refresh_installed)


def _cmd_config_dump(args: argparse.Namespace) -> int:
    from nba_pra.pipeline import sync_params

    project = _project(args)
    changed = sync_params(project.root, check_only=args.check)
    if args.check and changed:
        print("params.yaml is out of date with conf/; run `nba-pra config dump`", file=sys.stderr)
        return 1
    print("params.yaml " + ("rewritten from conf/" if changed else "already matches conf/"))
    return 0


def _today() -> str:
    import datetime as dt

    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")


def _cmd_data_generate(args: argparse.Namespace) -> int:
    from nba_pra.data.sources import generate

    project = _project(args)
    if args.advance is not None:
        from nba_pra.project_setup import SETUP_FILE, advance_synthetic

        league = project.settings.data.synthetic
        if project.settings.data.source != "synthetic" or league is None:
            raise ConfigError(
                f"--advance moves the synthetic league, but data.source is {project.settings.data.source}"
            )
        before = league.current_season_days_played
        after = advance_synthetic(project.root, before, args.advance, _today())
        project = _project(args)
        print(f"synthetic season moved forward {args.advance} day(s): {before} -> {after} days played "
              f"({SETUP_FILE}, params.yaml)")
    paths = generate(project)
    for name, path in paths.items():
        print(f"{name}: {path}")
    return 0


def _ask(question: str, options: Sequence[str], default: str, meaning: dict[str, str] | None = None) -> str:
    """Ask on the terminal until the answer is one of ``options`` (empty: ``default``)."""
    if meaning:
        for option in options:
            print(f"  {option:<11} {meaning.get(option, '')}")
    while True:
        choices = f" [{'/'.join(options)}]" if options else ""
        answer = input(f"{question}{choices} ({default}): ").strip() or default
        if answer in options or not options:
            return answer
        print(f"  choose one of {', '.join(options)}")


def _cmd_init(args: argparse.Namespace) -> int:
    import dataclasses

    from nba_pra import project_setup as ps
    from nba_pra.config import find_project_root

    root = find_project_root()
    interactive = sys.stdin.isatty() and not args.yes
    existing = ps.read_setup(root / ps.SETUP_FILE)

    def choose(given: str | None, question: str, options: Sequence[str], default: str, group: str) -> str:
        if given is not None:
            return given
        return _ask(question, options, default, ps.MEANING[group]) if interactive else default

    data = choose(args.data, "data source", ps.DATA_SOURCES, existing.data or ps.SYNTHETIC, "data")
    availability = choose(args.availability, "availability source", ps.AVAILABILITY_SOURCES,
                          ps.DEFAULT_AVAILABILITY[data] if data in ps.DATA_SOURCES else "none", "availability")
    odds = choose(args.odds, "odds provider", ps.ODDS_PROVIDERS,
                  ps.DEFAULT_ODDS[data] if data in ps.DATA_SOURCES else "historical", "odds")
    ps.check_combination(data, availability, odds)
    setup = ps.Setup(data=data, availability=availability, odds=odds,
                     days_played=existing.days_played if data == ps.SYNTHETIC else None)

    def text(given: str | None, question: str, default: str) -> str:
        return given or (_ask(question, (), default) if interactive else default)

    if odds == "theoddsapi":
        setup = dataclasses.replace(
            setup, key_env=text(args.key_env, "variable holding The Odds API key", existing.key_env or "ODDS_API_KEY"),
            env_file=text(args.env_file, "dotenv file read when it is not set", existing.env_file or ".env"))
    if odds == "historical":
        setup = dataclasses.replace(setup, lines=text(args.lines, "recorded lines file (under data/)",
                                                      existing.lines or "lines_history.csv"))
    if availability == "files":
        setup = dataclasses.replace(setup, lineups=text(args.lineups, "Rotowire lineups file (under data/)",
                                                        existing.lineups or "rotowire_lineups.parquet"))
    path = ps.write_setup(root, setup, _today())
    project = _project(args)
    theoddsapi = project.settings.odds.theoddsapi
    checks = ps.check_sources(setup, data_dir=project.path("data"), root=root,
                              key_variables=theoddsapi.api_key_env, env_file=setup.env_file or theoddsapi.env_file)
    print(f"wrote {path.relative_to(root)}: data {data}, availability {availability}, odds {odds} "
          "(params.yaml regenerated; commit both)")
    for check in checks:
        print(f"  {'ok' if check.ok else '!!'}  {check.message}")
    print(f"next: {ps.next_command(setup, checks)}")
    return 0


def _print_import(result) -> None:
    seasons = ", ".join(result.seasons)
    print(f"{result.rows} box-score rows, seasons {seasons}, {result.first_date}..{result.last_date}")
    print(f"next slate: {result.slate_date} ({result.slate_games} games)")
    for name, path in result.paths.items():
        print(f"{name}: {path}")


def _cmd_data_import(args: argparse.Namespace) -> int:
    from pathlib import Path

    from nba_pra.data.files import import_files

    result = import_files(
        _project(args), Path(args.path), fmt=args.format, schedule_path=args.schedule, lines_path=args.lines,
        slate_date=args.slate_date,
    )
    _print_import(result)
    return 0


def _cmd_data_fetch(args: argparse.Namespace) -> int:
    from nba_pra.data.nbaapi import fetch_nba_api

    _print_import(fetch_nba_api(_project(args)))
    return 0


def _cmd_odds_snapshot(args: argparse.Namespace) -> int:
    from nba_pra.stages.snapshot import run

    shot = run(_project(args))
    print(f"odds snapshot {shot.captured_at:%Y-%m-%d %H:%M:%S}Z: {shot.lines} lines from {shot.books} books for "
          f"{shot.games} games ({shot.before_tip} not yet started) -> {shot.path}")
    if shot.before_tip < shot.games:
        print(f"{shot.games - shot.before_tip} game(s) had already tipped off: this capture is no close for them")
    return 0


def _cmd_backtest(args: argparse.Namespace) -> int:
    if args.multirun:
        from nba_pra.backtest.sweep import main as sweep_main

        return sweep_main(["-m", *args.overrides])
    from nba_pra.backtest.runner import run_and_record
    from nba_pra.provenance import banner
    from nba_pra.reporting.backtest import show

    project = _project(args)
    show(run_and_record(project), banner(project.settings))
    return 0


def _cmd_live(args: argparse.Namespace) -> int:
    import pandas as pd

    project = _project(args)
    if args.fit:
        from nba_pra.live.runner import fit_synthetic

        path, fitted = fit_synthetic(project)
        print(f"SYNTHETIC live model fitted on {fitted.n_states:,} states of the simulated league's quarters: {path}")
        return 0
    from nba_pra.evidence.todays_gate import load_gate
    from nba_pra.ledger.store import LedgerStore, open_ledger, resolve_url

    gate, stack, warnings = load_gate(project)
    for warning in warnings:
        log.warning(warning)
    if not args.replay:
        from nba_pra.live.night import load_fit, run_night, tonight_inputs

        # before the ledger opens (which creates a missing one): a missing model or slate is one sentence
        fit = load_fit(project.root / project.settings.live.model_file)
        inputs = tonight_inputs(project)
        # the project's ledger: its pre-game bets count in the live bets' caps, and --record adds the live bets
        with open_ledger(project.settings.ledger, project.root) as ledger:
            run_night(project, fit=fit, tonight=inputs, gate=gate, stack=stack, ledger=ledger, record=args.record)
        return 0
    from nba_pra.live.runner import replay

    bankroll = project.settings.backtest.initial_bankroll
    if not args.record:
        replay(project, pd.Timestamp(args.replay), gate=gate, stack=stack, bankroll=bankroll, speed=args.speed)
        return 0
    cfg, real = project.settings.live.replay.ledger, project.settings.ledger
    url = resolve_url(cfg.url, project.root)
    if (url, cfg.db_schema, cfg.table_prefix) == (resolve_url(real.url, project.root), real.db_schema,
                                                  real.table_prefix):
        raise ConfigError("live.replay.ledger is the project's ledger: a replayed night is SYNTHETIC and never goes "
                          "into the real ledger (give the replay ledger another URL or table_prefix)")
    with LedgerStore(url, schema=cfg.db_schema, table_prefix=cfg.table_prefix) as replay_ledger:
        replay(project, pd.Timestamp(args.replay), gate=gate, stack=stack, bankroll=bankroll, speed=args.speed,
               ledger=replay_ledger)
    return 0


def _cmd_market(args: argparse.Namespace) -> int:
    from nba_pra.market_eval.runner import run
    from nba_pra.reporting.market import show

    show(run(_project(args)))
    return 0


def _cmd_dashboard(args: argparse.Namespace) -> int:
    from nba_pra.dashboard.app import serve

    serve(_project(args), host=args.host, port=args.port)
    return 0


def _cmd_promote(args: argparse.Namespace) -> int:
    from nba_pra.tracking.promotion import promote_cli

    promote_cli(_project(args), version=args.version, force=args.force)
    return 0


def _cmd_migrate(args: argparse.Namespace) -> int:
    from nba_pra.migration import migrate

    for line in migrate(_project(args), tracking_from=args.tracking_from, ledger_from=args.ledger_from):
        print(line)
    return 0


def _cmd_compare(args: argparse.Namespace) -> int:
    """``compare [A B] [KEY=VALUE ...]``: words without ``=`` are the versions, the rest Hydra overrides."""
    from nba_pra.tracking.comparison import compare_cli

    versions = [w for w in args.overrides if "=" not in w]
    args.overrides = [w for w in args.overrides if "=" in w]
    if len(versions) not in ((0, 2) if args.live else (2,)):
        raise ConfigError("compare takes two versions or aliases (e.g. `nba-pra compare champion challenger`), "
                          f"or none with --live; got {len(versions)}" + (f": {' '.join(versions)}" if versions else ""))
    pair = (versions[0], versions[1]) if versions else (None, None)
    compare_cli(_project(args), pair[0], pair[1], live=args.live)
    return 0


#: ``verb(name, handler, help_text)``: add a subcommand that takes the common options and runs ``handler``
Verb = Callable[[str, Handler, str], argparse.ArgumentParser]
Subcommands = argparse._SubParsersAction  # the type of ``add_subparsers()``'s result (argparse names it private)


def _verb_adder(sub: Subcommands[argparse.ArgumentParser], common: argparse.ArgumentParser) -> Verb:
    """The ``verb`` helper of one subparsers group: every verb shares the common options, its help is its
    description."""

    def verb(name: str, handler: Handler, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, parents=[common], help=help_text, description=help_text)
        p.set_defaults(handler=handler)
        return p

    return verb


def _add_setup_verbs(verb: Verb) -> None:
    """``init`` and ``availability``: choose the sources, then collect what is known before each game."""
    from nba_pra.project_setup import AVAILABILITY_SOURCES, DATA_SOURCES, ODDS_PROVIDERS

    p = verb("init", _cmd_init,
             "choose the data, availability and odds sources (asked on a terminal, or flags), write them to "
             "conf/setup/init.yaml, check each source once and print the next command")
    p.add_argument("--data", choices=DATA_SOURCES, default=None, help="box-score source")
    p.add_argument("--availability", choices=AVAILABILITY_SOURCES, default=None,
                   help="pre-game availability source (default: the one that fits the data source)")
    p.add_argument("--odds", choices=ODDS_PROVIDERS, default=None,
                   help="odds provider (default: the one that fits the data source)")
    p.add_argument("--key-env", dest="key_env", default=None, metavar="NAME",
                   help="odds theoddsapi: the variable holding the key (default ODDS_API_KEY)")
    p.add_argument("--env-file", dest="env_file", default=None, metavar="FILE",
                   help="odds theoddsapi: dotenv file read when the variable is not set (default .env)")
    p.add_argument("--lines", default=None, metavar="FILE", help="odds historical: the recorded lines file")
    p.add_argument("--lineups", default=None, metavar="FILE", help="availability files: the lineups file")
    p.add_argument("-y", "--yes", action="store_true", help="ask nothing: flags, else the defaults")
    p.set_defaults(overrides=[])
    p = verb("availability", _cmd_availability,
             "collect the injury reports / lineups visible before each game's cut-off (availability.source); "
             "`availability backfill --from D --to D` archives past official reports")
    p.add_argument("--strict", dest="strict_availability", action="store_true",
                   help="fail (exit 3) instead of warning when the availability source fails")
    p.add_argument("--from", dest="date_from", default=None, metavar="YYYY-MM-DD",
                   help="backfill: first day (US Eastern) of official reports to archive")
    p.add_argument("--to", dest="date_to", default=None, metavar="YYYY-MM-DD",
                   help="backfill: last day (inclusive)")
    p.add_argument("overrides", nargs="*", metavar="[backfill] KEY=VALUE",
                   help="optional action, then Hydra overrides of conf/")


def _add_stage_verbs(verb: Verb) -> None:
    """The daily pipeline's stages run one at a time: ``features``, ``train``, ``predict``, ``evidence``, ``bet``."""
    p = verb("features", _stage("features"), "build the as-of feature table (history + next slate)")
    p.add_argument("--strict", dest="strict_freshness", action="store_true",
                   help="fail (exit 3) instead of warning when the data is stale")
    _overrides(p)
    p = verb("train", _cmd_train,
             "train the fold ensemble on every game before the slate, log it to MLflow and register a version")
    p.add_argument("-m", "--multirun", action="store_true",
                   help="one training and registered version per sweep point, e.g. model=xgboost,lightgbm "
                        "(the architectures, ready for `nba-pra compare`)")
    _overrides(p)
    _overrides(verb("predict", _stage("predict"), "predict the next slate with the model behind the alias"))
    _overrides(verb("evidence", _stage("evidence"),
                    "replay every pricing method walk-forward over the season: the evidence the bet gate reads"))
    for name, text in (("bet", "price the slate against the odds provider and decide bets"),):
        p = verb(name, _stage(name), text)
        p.add_argument("--strict", action="store_true", help="fail (exit 5) instead of warning when odds fail")
        p.add_argument("--refresh", action="store_true", help="refetch odds instead of using the cache")
        _overrides(p)


def _add_daily_verbs(verb: Verb) -> None:
    """What an operator runs and reads each day: ``ledger``, ``recommend``, ``pipeline``, ``status``."""
    p = verb(
        "ledger",
        _cmd_ledger,
        "settle finished bets and record today's bets; `ledger export PATH` / `ledger import PATH` move bets "
        "between the ledger and a CSV/parquet file",
    )
    p.add_argument("--format", dest="format", choices=("csv", "parquet"), default=None,
                   help="export format (default: from the file suffix, else csv)")
    p.add_argument("overrides", nargs="*", metavar="[export|import PATH] KEY=VALUE",
                   help="optional action and file, then Hydra overrides of conf/")
    p = verb("recommend", _cmd_recommend, "print today's bets (or every candidate with --all)")
    p.add_argument("--all", action="store_true", help="every candidate with its decision and reason")
    p.add_argument("--limit", type=_row_limit, default=50, help="rows to print (default 50; 0: every row)")
    _overrides(p)
    p = verb("pipeline", _cmd_pipeline, "run the daily pipeline (`dvc repro`), generating data if absent")
    p.add_argument("--force", action="store_true", help="rerun every stage (`dvc repro --force`)")
    p.add_argument("--retrain", action="store_true",
                   help="move the training window to today's slate, so train reruns (default: every "
                        "model.retrain_every_days days)")
    p.add_argument("--no-push", action="store_true",
                   help="do not `dvc push` after the run (default: push when a default DVC remote is set)")
    p = verb("status", _cmd_status, "data freshness, model versions, last run, ledger summary")
    p.add_argument("--clv", action="store_true",
                   help="also print the closing line value by edge bucket, book and period")
    _overrides(p)


def _add_analysis_verbs(verb: Verb) -> None:
    """Looking beyond today's slate: ``backtest``, ``live``, ``market`` and the ``dashboard``."""
    p = verb("backtest", _cmd_backtest, "walk-forward backtest into the backtest ledger (-m: a Hydra sweep)")
    p.add_argument("-m", "--multirun", action="store_true",
                   help="sweep: one MLflow run per point, e.g. betting.min_confidence=0.55,0.65 "
                        "(hydra/launcher=joblib)")
    _overrides(p)
    p = verb("live", _cmd_live,
             "in-game PRA: tonight's games polled from the NBA live box score and The Odds API in-play lines "
             "until they end (Ctrl-C stops), or --replay a SYNTHETIC night period end by period end; live "
             "candidates go through the pre-game pricing, gate and caps")
    p.add_argument("--replay", default=None, metavar="YYYY-MM-DD", help="the synthetic game date to replay")
    p.add_argument("--speed", type=float, default=None,
                   help="real-time factor of the replay (default live.replay.speed; higher is faster)")
    p.add_argument("--record", action="store_true",
                   help="record the live bets: tonight's in the ledger; with --replay, the replayed night's pre-game "
                        "and live bets in the replay ledger (live.replay.ledger, never the real one), settled")
    p.add_argument("--fit", action="store_true",
                   help="fit the in-game model on the SYNTHETIC league's quarters (data=synthetic) and write "
                        "live.model_file, which `nba-pra live` forecasts tonight's games with")
    _overrides(p)
    p = verb("market", _cmd_market,
             "every pricing method vs the market on recorded lines: accuracy, log loss, honest ROI, the gate, anatomy")
    p.add_argument("--box-scores", dest="box_scores", default=None, metavar="FILE",
                   help="box-score file to walk through (not imported into data/)")
    p.add_argument("--lines", default=None, metavar="FILE", help="recorded lines (historical provider schemas)")
    p.add_argument("--season", default=None, metavar="YYYY-YY", help="season to walk through (default: the last)")
    _overrides(p)
    p = verb("dashboard", _cmd_dashboard,
             "serve the read-only web dashboard (slate, ledger, models, health) and its JSON API")
    p.add_argument("--host", default=None, help="interface to listen on (default dashboard.host: 127.0.0.1)")
    p.add_argument("--port", type=int, default=None, help="port (default dashboard.port: 8050)")
    _overrides(p)


def _add_registry_verbs(verb: Verb) -> None:
    """The model registry's decisions: ``promote`` and ``compare``."""
    p = verb("promote", _cmd_promote, "compare challenger with champion and move the champion alias if better")
    p.add_argument("--version", dest="version", default=None, help="promote this version instead of @challenger")
    p.add_argument("--force", action="store_true", help="promote without comparing")
    _overrides(p)
    p = verb("compare", _cmd_compare,
             "paired comparison of two versions (numbers or aliases) on the out-of-fold rows both predicted: "
             "CRPS, log score, MAE, P(over) at book lines, B - A with date-block intervals; logged to MLflow")
    p.add_argument("--live", action="store_true",
                   help="on the ledger's settled slate predictions (champion vs shadow) instead of out of fold")
    p.add_argument("overrides", nargs="*", metavar="[A B] KEY=VALUE",
                   help="versions A and B (e.g. 5 7, or champion challenger), then Hydra overrides of conf/")


def _add_operations_verbs(verb: Verb) -> None:
    """Running the project over a season: ``schedule``, ``migrate`` and the scheduled ``job``."""
    p = verb("schedule", _cmd_schedule,
             "print (or --install) crontab lines / systemd timers for the season's jobs: settlement, morning run, "
             "hourly availability, pre-tip odds snapshots")
    p.add_argument("--format", choices=("cron", "systemd"), default="cron", help="default: cron")
    p.add_argument("--install", action="store_true",
                   help="cron: replace this project's block in your crontab; systemd: write the units to --unit-dir")
    p.add_argument("--unit-dir", dest="unit_dir", default=None, metavar="DIR",
                   help="systemd units folder (default ~/.config/systemd/user)")
    p.add_argument("--refresh-installed", dest="refresh_installed", action="store_true",
                   help="rewrite the installed schedule for the new slate, if one was installed (the morning job)")
    _overrides(p)
    p = verb("migrate", _cmd_migrate,
             "copy a single machine's MLflow store (runs, artifacts, registered versions, aliases) and ledger into "
             "the ones conf/ names now, e.g. a team's MLflow server and PostgreSQL (docs/deploy.md)")
    p.add_argument("--tracking-from", dest="tracking_from", default=None, metavar="URI",
                   help="the tracking store to copy, e.g. sqlite:///mlflow.db (relative to the project root)")
    p.add_argument("--ledger-from", dest="ledger_from", default=None, metavar="URL",
                   help="the ledger to copy, e.g. sqlite:///ledger.db (relative to the project root)")
    _overrides(p)
    p = verb("job", _cmd_job, "run one scheduled job under the project lock; a failure is alerted (conf/alerts)")
    p.add_argument("job", choices=("settle", "morning", "availability", "snapshot"), help="the job to run")
    p.set_defaults(overrides=[])


def _add_config_commands(sub: Subcommands[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    """``config dump``: the configuration tools."""
    config = sub.add_parser("config", help="configuration tools")
    config_sub = config.add_subparsers(dest="config_command", required=True, metavar="SUBCOMMAND")
    p = config_sub.add_parser("dump", parents=[common], help="write params.yaml from conf/ (what DVC tracks)")
    p.add_argument("--check", action="store_true", help="exit 1 if params.yaml differs from conf/, write nothing")
    p.set_defaults(handler=_cmd_config_dump, overrides=[])


def _add_odds_commands(sub: Subcommands[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    """``odds snapshot``: the sportsbook lines tools."""
    odds = sub.add_parser("odds", help="sportsbook lines")
    odds_sub = odds.add_subparsers(dest="odds_command", required=True, metavar="SUBCOMMAND")
    p = odds_sub.add_parser("snapshot", parents=[common],
                            help="append every book's current lines of the slate with the capture time (the last "
                                 "capture before a game's tip is its close)")
    p.set_defaults(handler=_cmd_odds_snapshot)
    _overrides(p)


def _add_data_commands(sub: Subcommands[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    """``data generate | import | fetch``: the raw data sources."""
    data = sub.add_parser("data", help="raw data sources")
    data_sub = data.add_subparsers(dest="data_command", required=True, metavar="SUBCOMMAND")
    p = data_sub.add_parser("generate", parents=[common], help="write the seeded synthetic league into data/")
    p.add_argument("--advance", type=int, default=None, metavar="N",
                   help="move the synthetic season forward N days first (kept in conf/setup/init.yaml)")
    p.set_defaults(handler=_cmd_data_generate)
    _overrides(p)
    p = data_sub.add_parser("import", parents=[common], help="import real box scores (CSV/parquet) into data/")
    p.add_argument("path", metavar="PATH", help="box-score file in the schema of nba_pra/data/files.py")
    p.add_argument("--format", choices=("auto", "csv", "parquet"), default=None, help="default: from the suffix")
    p.add_argument("--schedule", default=None, metavar="FILE", help="upcoming games: the next slate")
    p.add_argument("--slate-date", dest="slate_date", default=None, metavar="YYYY-MM-DD",
                   help="historical replay: this date's games are the slate, later games are dropped")
    p.add_argument("--lines", default=None, metavar="FILE", help="sportsbook lines in the raw lines schema")
    p.set_defaults(handler=_cmd_data_import)
    _overrides(p)
    p = data_sub.add_parser("fetch", parents=[common], help="fetch new box scores + schedule from stats.nba.com")
    p.set_defaults(handler=_cmd_data_fetch)
    _overrides(p)


def build_parser() -> argparse.ArgumentParser:
    """The ``nba-pra`` parser: one subcommand per verb, in the order ``--help`` lists them."""
    parser = argparse.ArgumentParser(prog="nba-pra", description=DESCRIPTION, epilog=EPILOG)
    parser.add_argument("--version", action="version", version=f"nba-pra {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-v", "--verbose", action="store_true", help="debug output on the console")
    common.add_argument("-q", "--quiet", action="store_true", help="warnings and errors only")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    verb = _verb_adder(sub, common)
    for add_verbs in (_add_setup_verbs, _add_stage_verbs, _add_daily_verbs, _add_analysis_verbs,
                      _add_registry_verbs, _add_operations_verbs):
        add_verbs(verb)
    for add_commands in (_add_config_commands, _add_odds_commands, _add_data_commands):
        add_commands(sub, common)
    return parser


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    words = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args, rest = parser.parse_known_args(words)
    # argparse stops filling a `nargs="*"` positional at the first option: overrides given after an option
    # (`availability backfill --from D --to D key=value`) come back here and join the others
    if rest and hasattr(args, "overrides") and not any(word.startswith("-") for word in rest):
        args.overrides = [*args.overrides, *rest]
    elif rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    args.argv = words
    return args


def dispatch(argv: Sequence[str]) -> int:
    """Run one command line in this process, errors raised (a scheduled job's step)."""
    args = _parse(argv)
    return int(args.handler(args))


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse(argv)
    with _LOCKS:
        return run_guarded(lambda: args.handler(args))


def run_guarded(command: Callable[[], int]) -> int:
    """Run a command body: a user error becomes ``error: <message>`` on stderr and its exit code; anything
    else is a bug and keeps its traceback."""
    try:
        return int(command())
    except NbaPraError as exc:
        from nba_pra.redaction import redact_text, remembered

        logging.getLogger("nba_pra").debug("command failed", exc_info=True)
        # messages quote URLs and driver errors; an override that failed to compose is echoed before any
        # secret could be remembered, which the URL and parameter patterns still catch
        print(f"error: {redact_text(str(exc), remembered())}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
