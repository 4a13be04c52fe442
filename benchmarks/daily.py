"""Benchmark: the daily run on the default synthetic league, with and without a retrain, and CLV coverage.

Target: a daily run that does not retrain takes at most 20 s (``predict_only_wall_s``), and at least 90 % of the
settled bets of a five-day loop have a CLV (``clv_coverage``).

In a scratch DVC project (a copy of conf/, src/ and dvc.yaml; its own data, MLflow DB and ledger):

- day 0: ``nba-pra pipeline``: generates the league and runs everything cold (``cold_wall_s``);
- days 1..5: ``nba-pra data generate --advance 1`` (the league plays one more day), then ``nba-pra pipeline``.
  Day 1 runs with ``--retrain`` (``retrain_wall_s``); days 2..5 are inside
  ``model.retrain_every_days``, so they only predict, price and record (``predict_only_wall_s``: the slowest of
  them, and each day's time in ``days``). Generation is timed apart (``generate_s``): in real operation the data
  arrives by import, not by simulation.

``clv_coverage`` = settled non-void bets (staked and paper) with a probability CLV / all settled non-void bets.
After the loop the ledger's CLV table is printed (``nba-pra status --clv``: by edge bucket, book and period).

``stages`` breaks each day's pipeline down: the seconds from the pipeline's start (or the previous stage's last
output) to each stage's last output, in the order they were written -- a stage's time includes its process start
(imports) and DVC's bookkeeping before it; stages DVC skipped are absent. ``other_s`` is the rest (params sync,
DVC's status check, after the last stage); ``cpu_s`` the CPU seconds (user + system) of all the day's processes,
which on a machine shared with other work is the steadier figure (the wall time also counts waiting for a core).

``--generous-market``: the synthetic sportsbook of the loop tests (``data.synthetic.sportsbook.public_weight=0``,
``rate_error_sd=0.12``: a market that ignores the public form and errs by 12 %) instead of the default one, which
is as sharp as the real market and gives the model few bets in five days: more settled bets for the CLV coverage.
Timing targets are for the default league.

``--small``: the test suite's small league and light models (tests/conftest.py ``SMALL_PROJECT_OVERRIDES``: 8
teams, 4 folds, 25/10 rounds, two-week evidence retrains, ``pricing.method=model``: on a small league the default
market-aware pricing finds no bet at all) -- a loop that fits in minutes on a busy machine, for
the CLV table and the per-process part of the breakdown; its timings are not the target's.

``--keep DIR``: iterate without the cold day. The scratch project lives in ``DIR/project`` (always the same path:
the MLflow store records absolute artifact paths) and is saved after day 0 as ``DIR/day0``. A later run with the
same ``--keep DIR`` (and the same league/market options, checked against ``DIR/overrides.yaml``) restores
``DIR/day0`` instead of running day 0, then copies this checkout's ``conf/``, ``src/`` and ``dvc.yaml`` over it, so
the loop times the current code; day 1 (``--retrain``) also absorbs the stages whose code changed since day 0.
``cold_wall_s`` is then the saved day 0's. Delete ``DIR`` to start cold again.

Run: ``uv run python benchmarks/daily.py [--generous-market] [--small] [--keep DIR]``. The last line printed is one
JSON object:
``retrain_wall_s``, ``predict_only_wall_s``, ``clv_coverage``, ``cold_wall_s``, ``days``, ``stages``,
``settled_bets``, ``clv_bets``, ``market``, ``target_predict_only_s``, ``target_clv_coverage``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_PREDICT_ONLY_S = 20.0
TARGET_CLV_COVERAGE = 0.90
LOOP_DAYS = 5
#: the loop tests' less sharp synthetic sportsbook (tests/conftest.py GENEROUS_MARKET), as conf/config.yaml keys
GENEROUS_MARKET = """
data:
  synthetic:
    sportsbook:
      public_weight: 0.0   # the market's estimate ignores the public form
      rate_error_sd: 0.12  # and errs by 12 % (log-sd)
"""
#: the test suite's small league (tests/conftest.py SMALL_PROJECT_OVERRIDES), as conf/config.yaml keys
SMALL_LEAGUE = """
data:
  synthetic:
    n_teams: 8                        # a quarter of the league
    current_season_days_played: 40
cv:
  n_folds: 4                          # daily model: 4 folds of 25/10 rounds
model:
  mean_rounds: 25
  variance_rounds: 10
pricing:
  method: model                       # as the tests: on a small league only the raw model still claims edges
backtest:                             # the evidence walk-forward: two-week retrains, 2 folds of the same rounds
  retrain_every_days: 14
  model:
    n_folds: 2
    mean_rounds: null
    variance_rounds: null
"""
#: the file each daily stage writes last (its end); availability and features write before the others
STAGE_OUTPUTS = {
    "availability": "reports/availability_summary.json",
    "features": "reports/features_summary.json",
    "training_set": "artifacts/training_window.json",
    "train": "reports/metrics/train.json",
    "predict": "artifacts/predictions.parquet",
    "evidence": "reports/metrics/evidence.json",
    "bet": "reports/metrics/bet.json",
    "ledger": "reports/metrics/ledger.json",
}


def scratch_project(dest: Path) -> Path:
    """A copy of the project's code and config as its own git + DVC repository."""
    dest.mkdir(parents=True)
    for name in ("conf", "src"):
        shutil.copytree(ROOT / name, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("dvc.yaml", "params.yaml", "pyproject.toml", ".dvcignore", ".gitignore"):
        if (ROOT / name).exists():
            shutil.copy2(ROOT / name, dest / name)
    for cmd in (["git", "init", "-q"], [sys.executable, "-m", "dvc", "init", "-q"]):
        subprocess.run(cmd, cwd=dest, check=True)
    return dest


def refresh_code(root: Path) -> None:
    """Copy this checkout's code and config over a restored scratch project (``--keep``)."""
    for name in ("conf", "src"):
        shutil.rmtree(root / name)
        shutil.copytree(ROOT / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("dvc.yaml", "pyproject.toml", ".dvcignore"):
        if (ROOT / name).exists():
            shutil.copy2(ROOT / name, root / name)


def restore_day0(keep: Path, overrides: str) -> tuple[Path, float] | None:
    """The scratch project restored from ``KEEP/day0`` with the current code, and day 0's wall time; None when
    there is no saved day 0 yet. Refuses a saved day 0 of another league or market."""
    saved, root = keep / "day0", keep / "project"
    if not saved.is_dir():
        return None
    if (keep / "overrides.yaml").read_text() != overrides:
        raise SystemExit(f"{saved} was made with other --small/--generous-market options; delete {keep} first")
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(saved, root, symlinks=True)
    refresh_code(root)
    if overrides:
        with (root / "conf" / "config.yaml").open("a") as fh:
            fh.write(overrides)
    return root, float((keep / "cold_wall_s").read_text())


def nba_pra(root: Path, *args: str, quiet: bool = True) -> tuple[float, str]:
    """Run ``nba-pra ARGS`` in ``root`` as a user would; returns its wall time in seconds and its stdout."""
    env = {**os.environ, "PYTHONPATH": str(root / "src")}
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "nba_pra", *args, *(["-q"] if quiet else [])], cwd=root, env=env,
                          check=False, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if done.returncode != 0:
        sys.stderr.write(done.stdout[-4000:] + done.stderr[-4000:])
        raise SystemExit(f"nba-pra {' '.join(args)} failed with exit code {done.returncode}")
    return wall, done.stdout


def children_cpu_s() -> float:
    """CPU seconds (user + system) of the finished child processes so far, their own children included."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def pipeline_day(root: Path, *args: str) -> tuple[float, dict[str, float]]:
    """One ``nba-pra pipeline``: its wall time and the per-stage breakdown of the module docstring (with
    ``cpu_s``, the CPU seconds of the whole day's processes: on a shared machine the wall time also counts waits)."""
    started, cpu = time.time(), children_cpu_s()
    wall, _ = nba_pra(root, "pipeline", *args)
    ends = {name: (root / path).stat().st_mtime for name, path in STAGE_OUTPUTS.items() if (root / path).exists()}
    ran = sorted((t, name) for name, t in ends.items() if t >= started)
    stages, previous = {}, started
    for t, name in ran:
        stages[name] = round(t - previous, 1)
        previous = t
    stages["other_s"] = round(wall - sum(stages.values()), 1)
    stages["cpu_s"] = round(children_cpu_s() - cpu, 1)
    return wall, stages


def clv_coverage(root: Path) -> tuple[int, int]:
    """(settled non-void bets, of which with a probability CLV) in the scratch project's ledger."""
    from nba_pra.config import load_project
    from nba_pra.stages.ledger import open_store

    with open_store(load_project(root, from_params=True)) as store:
        bets = store.bets()
    settled = bets[bets["result"].notna() & (bets["result"] != "void")]
    return len(settled), int(settled["clv_prob"].notna().sum())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--generous-market", action="store_true",
                        help="the loop tests' less sharp synthetic sportsbook (more bets to settle)")
    parser.add_argument("--small", action="store_true",
                        help="the test suite's small league and light models (a quick loop; not the target's timing)")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="keep the scratch project in DIR and its day 0 in DIR/day0; reuse that day 0 next time")
    args = parser.parse_args()
    if args.small and args.generous_market:
        # one YAML block: two top-level `data:` keys would be a duplicate key
        overrides = SMALL_LEAGUE.replace("    current_season_days_played: 40\n", "    current_season_days_played: 40\n"
                                         + GENEROUS_MARKET.split("  synthetic:\n", 1)[1])
    else:
        overrides = (SMALL_LEAGUE if args.small else "") + (GENEROUS_MARKET if args.generous_market else "")
    with tempfile.TemporaryDirectory(prefix="nba-pra-daily-") as tmp:
        keep = args.keep.resolve() if args.keep else None
        restored = restore_day0(keep, overrides) if keep else None
        if restored:
            root, cold = restored
        else:
            if keep and (keep / "project").exists():
                shutil.rmtree(keep / "project")  # a run that stopped before saving its day 0
            root = scratch_project((keep or Path(tmp)) / "project")
            if overrides:
                with (root / "conf" / "config.yaml").open("a") as fh:
                    fh.write(overrides)
            cold, _ = pipeline_day(root)
            if keep:
                shutil.copytree(root, keep / "day0", symlinks=True)
                (keep / "overrides.yaml").write_text(overrides)
                (keep / "cold_wall_s").write_text(f"{cold}\n")
        days, generate, stages = [], [], []
        for day in range(1, LOOP_DAYS + 1):
            generate.append(nba_pra(root, "data", "generate", "--advance", "1")[0])
            wall, breakdown = pipeline_day(root, *(["--retrain"] if day == 1 else []))
            days.append(wall)
            stages.append(breakdown)
            print(f"day {day}: generate {generate[-1]:.1f} s, pipeline {wall:.1f} s: {breakdown}", file=sys.stderr)
        settled, with_clv = clv_coverage(root)
        _, table = nba_pra(root, "status", "--clv", quiet=False)
        print(f"CLV after the five-day loop (synthetic{', generous market' if args.generous_market else ''}"
              f"{', small league' if args.small else ''}):")
        print(table)
    predict_only = max(days[1:])
    coverage = with_clv / settled if settled else 0.0
    print(json.dumps({
        "retrain_wall_s": round(days[0], 1),
        "predict_only_wall_s": round(predict_only, 1),
        "clv_coverage": round(coverage, 3),
        "cold_wall_s": round(cold, 1),
        "days": [round(d, 1) for d in days],
        "stages": stages,
        "generate_s": [round(g, 1) for g in generate],
        "settled_bets": settled,
        "clv_bets": with_clv,
        "market": "generous" if args.generous_market else "default",
        "league": "small" if args.small else "default",
        "target_predict_only_s": TARGET_PREDICT_ONLY_S,
        "target_clv_coverage": TARGET_CLV_COVERAGE,
    }))
    sys.exit(0 if predict_only <= TARGET_PREDICT_ONLY_S and coverage >= TARGET_CLV_COVERAGE else 1)


if __name__ == "__main__":
    main()
