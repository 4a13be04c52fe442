#!/bin/sh
# The backup container (docs/deploy.md): every BACKUP_INTERVAL_S seconds, pg_dump (custom format) of the ledger
# and the MLflow databases into /backups (BACKUP_PATH), keeping BACKUP_KEEP_DAYS days. Runs in the postgres image, so pg_dump's
# version is the server's. Credentials: PGHOST / PGUSER / PGPASSWORD from the environment.
set -eu
out=${BACKUP_PATH:-/backups}
: "${BACKUP_INTERVAL_S:?}" "${BACKUP_KEEP_DAYS:?}" "${BACKUP_DATABASES:?}"
while true; do
    stamp=$(date -u +%Y%m%dT%H%M%SZ)
    for db in $BACKUP_DATABASES; do
        # written under a temporary name first: a dump cut short never looks like a good one
        pg_dump --format=custom --dbname="$db" --file="$out/$db-$stamp.dump.part" \
            && mv "$out/$db-$stamp.dump.part" "$out/$db-$stamp.dump" \
            && echo "backup: $out/$db-$stamp.dump" \
            || echo "backup: pg_dump of $db failed" >&2
    done
    find "$out" -name '*.dump' -mtime "+$BACKUP_KEEP_DAYS" -delete
    sleep "$BACKUP_INTERVAL_S"
done
