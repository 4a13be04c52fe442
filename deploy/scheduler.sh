#!/bin/sh
# The scheduler container (docs/deploy.md): cron runs the season's jobs (`nba-pra job settle|morning|availability|
# snapshot`) at the times `nba-pra schedule` writes, in the project checkout mounted at /project.
set -eu
cd /project

# the image runs its own copy of the code: refuse a checkout whose code differs (rebuild after `git pull`), since
# DVC would record the checkout's code hashes for outputs the image's code produced
if ! diff -rq -x __pycache__ /opt/nba-pra/build/src/nba_pra /project/src/nba_pra >/dev/null; then
    echo "scheduler: /project/src differs from the image's code; run \`docker compose build\` after pulling" >&2
    exit 1
fi

# cron starts each job with an almost empty environment: the deployment's variables go at the top of root's
# crontab (mode 600), before the block `nba-pra schedule --install` manages (it keeps every other line, and the
# morning job's `schedule --refresh-installed` keeps them too). Empty ones are left out: cron rejects a `NAME=` line
# (and the project treats an empty variable as an unset one)
env | grep -E '^(PATH|TZ|MLFLOW_TRACKING_URI|MLFLOW_TRACKING_USERNAME|MLFLOW_TRACKING_PASSWORD|NBA_PRA_[A-Z_]+|ODDS_API_[A-Z_]+|AWS_[A-Z_]+)=.' \
    | crontab -
nba-pra schedule --install
exec cron -f
