"""``nba-pra`` command line: parse arguments, build settings, dispatch. No domain logic here.

Every verb that runs work accepts Hydra overrides of ``conf/`` (``nba-pra train cv.n_folds=5``); flags such
as ``--strict`` are just overrides with a name.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from nba_pra import __version__
from nba_pra.errors import ConfigError, NbaPraError

log = logging.getLogger("nba_pra")

Handler = Callable[[argparse.Namespace], int]


def _overrides(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("overrides", nargs="*", metavar="KEY=VALUE", help="Hydra overrides of conf/")


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


def _project(args: argparse.Namespace):
    from nba_pra.config import load_project
    from nba_pra.logs import setup_logging
    from nba_pra.redaction import remember, secrets_of

    project = load_project(overrides=_flag_overrides(args))
    remember(*secrets_of(project.settings))
    setup_logging(project.path("logs"), verbose=args.verbose, quiet=args.quiet)
    return project


def _stage(module: str) -> Handler:
    def handler(args: argparse.Namespace) -> int:
        import importlib

        project = _project(args)
        importlib.import_module(f"nba_pra.stages.{module}").run(project)
        return 0

    return handler


_LEDGER_ACTIONS = ("export", "import")


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

    recommend.show(_project(args), show_all=args.all, limit=args.limit)
    return 0


def _cmd_status(args: argparse.Namespace) -> int:
    from nba_pra.reporting import status

    status.show(_project(args))
    return 0


def _cmd_pipeline(args: argparse.Namespace) -> int:
    from nba_pra.pipeline import run_pipeline

    return run_pipeline(_project(args), force=args.force)


def _cmd_config_dump(args: argparse.Namespace) -> int:
    from nba_pra.pipeline import sync_params

    project = _project(args)
    changed = sync_params(project.root, check_only=args.check)
    if args.check and changed:
        print("params.yaml is out of date with conf/; run `nba-pra config dump`", file=sys.stderr)
        return 1
    print("params.yaml " + ("rewritten from conf/" if changed else "already matches conf/"))
    return 0


def _cmd_data_generate(args: argparse.Namespace) -> int:
    from nba_pra.data.sources import generate

    paths = generate(_project(args))
    for name, path in paths.items():
        print(f"{name}: {path}")
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


def _cmd_backtest(args: argparse.Namespace) -> int:
    if args.multirun:
        from nba_pra.backtest.sweep import main as sweep_main

        return sweep_main(["-m", *args.overrides])
    from nba_pra.backtest.runner import run

    run(_project(args))
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="nba-pra", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"nba-pra {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-v", "--verbose", action="store_true", help="debug output on the console")
    common.add_argument("-q", "--quiet", action="store_true", help="warnings and errors only")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def verb(name: str, handler: Handler, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, parents=[common], help=help_text, description=help_text)
        p.set_defaults(handler=handler)
        return p

    p = verb("availability", _stage("availability"),
             "collect the injury reports / lineups visible before each game's cut-off (availability.source)")
    p.add_argument("--strict", dest="strict_availability", action="store_true",
                   help="fail (exit 3) instead of warning when the availability source fails")
    _overrides(p)
    p = verb("features", _stage("features"), "build the as-of feature table (history + next slate)")
    p.add_argument("--strict", dest="strict_freshness", action="store_true",
                   help="fail (exit 3) instead of warning when the data is stale")
    _overrides(p)
    _overrides(verb("train", _stage("train"), "train the fold ensemble, log it to MLflow and register a version"))
    _overrides(verb("predict", _stage("predict"), "predict the next slate with the model behind the alias"))
    _overrides(verb("evidence", _stage("evidence"),
                    "replay every pricing method walk-forward over the season: the evidence the bet gate reads"))
    for name, text in (("bet", "price the slate against the odds provider and decide bets"),):
        p = verb(name, _stage(name), text)
        p.add_argument("--strict", action="store_true", help="fail (exit 5) instead of warning when odds fail")
        p.add_argument("--refresh", action="store_true", help="refetch odds instead of using the cache")
        _overrides(p)
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
    p.add_argument("--limit", type=int, default=50, help="rows to print (default 50)")
    _overrides(p)
    p = verb("pipeline", _cmd_pipeline, "run the daily pipeline (`dvc repro`), generating data if absent")
    p.add_argument("--force", action="store_true", help="rerun every stage (`dvc repro --force`)")
    _overrides(verb("status", _cmd_status, "data freshness, model versions, last run, ledger summary"))
    p = verb("backtest", _cmd_backtest, "walk-forward backtest into the backtest ledger (-m: a Hydra sweep)")
    p.add_argument("-m", "--multirun", action="store_true",
                   help="sweep: one MLflow run per point, e.g. betting.min_confidence=0.55,0.65 "
                        "(hydra/launcher=joblib)")
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
    p = verb("promote", _cmd_promote, "compare challenger with champion and move the champion alias if better")
    p.add_argument("--version", dest="version", default=None, help="promote this version instead of @challenger")
    p.add_argument("--force", action="store_true", help="promote without comparing")
    _overrides(p)

    config = sub.add_parser("config", help="configuration tools")
    config_sub = config.add_subparsers(dest="config_command", required=True, metavar="SUBCOMMAND")
    p = config_sub.add_parser("dump", parents=[common], help="write params.yaml from conf/ (what DVC tracks)")
    p.add_argument("--check", action="store_true", help="exit 1 if params.yaml differs from conf/, write nothing")
    p.set_defaults(handler=_cmd_config_dump, overrides=[])

    data = sub.add_parser("data", help="raw data sources")
    data_sub = data.add_subparsers(dest="data_command", required=True, metavar="SUBCOMMAND")
    p = data_sub.add_parser("generate", parents=[common], help="write the seeded synthetic league into data/")
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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
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
