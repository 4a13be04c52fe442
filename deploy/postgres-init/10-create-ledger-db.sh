#!/bin/sh
# Runs once, when the PostgreSQL volume is created: the ledger's database beside MLflow's (POSTGRES_DB).
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -c "CREATE DATABASE \"$NBA_PRA_LEDGER_DB\" OWNER \"$POSTGRES_USER\""
