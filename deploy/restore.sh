#!/usr/bin/env bash
# Restores a backup made by deploy/backup.sh (pg_dump's custom format) into a database of its own, then prints what the
# database holds (the record_counts view) and how long the restore took.
#
#   deploy/restore.sh compose FILE [DATABASE]   into docker-compose.yml's PostgreSQL (compose files and project as
#                                               docker-compose finds them: COMPOSE_FILE, COMPOSE_PROJECT_NAME, …)
#   deploy/restore.sh local FILE [DATABASE]     into deploy/local-cluster.sh's PostgreSQL (GRASSROOTS_CLUSTER_DIR)
#   deploy/restore.sh server FILE [DATABASE]    into any PostgreSQL, named as libpq names it (PGHOST, PGPORT, PGUSER,
#                                               PGPASSWORD or ~/.pgpass); its user may create databases
# DATABASE (default grassroots) is made when it does not exist; one that exists must be empty (no tables), as a new
# PostgreSQL volume's is: the script never writes over data. To restore in place of a cluster's data, stop its silos,
# drop or rename the database (or start PostgreSQL on a new volume), restore, then start the silos: they apply any newer
# migrations and form a new cluster membership. To look at a backup beside the running cluster, restore it under
# another name and start a silo on it with its own Cluster__ClusterId (docs/operations.md, "Backup and restore").
set -euo pipefail
cd "$(dirname "$0")/.."

where="${1:-}"
file="${2:-}"
database="${3:-grassroots}"
if [ -z "$where" ] || [ -z "$file" ]; then
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2
  exit 2
fi
[ -s "$file" ] || { echo "No backup at $file" >&2; exit 1; }
case "$database" in *[!a-z0-9_]*) echo "A database name of lower-case letters, digits and _ only: $database" >&2; exit 2 ;; esac

case "$where" in
  compose)
    # Inside the PostgreSQL container, as its own user with its own password; the archive goes in on stdin.
    sql() { docker-compose exec -T postgres sh -c 'PGPASSWORD="$POSTGRES_PASSWORD" exec psql -h 127.0.0.1 -U "$POSTGRES_USER" -v ON_ERROR_STOP=1 -qAt "$@"' psql "$@"; }
    restore() { docker-compose exec -T postgres sh -c 'PGPASSWORD="$POSTGRES_PASSWORD" exec pg_restore -h 127.0.0.1 -U "$POSTGRES_USER" "$@"' pg_restore "$@" < "$file"; }
    ;;
  local | server)
    if [ "$where" = local ]; then
      dir="${GRASSROOTS_CLUSTER_DIR:-/tmp/grassroots-cluster}"
      [ -f "$dir/cluster.env" ] || { echo "No local cluster in $dir (deploy/local-cluster.sh start makes one)." >&2; exit 1; }
      # The local cluster's PostgreSQL as libpq names a server; its password is local-cluster.sh's, local development only.
      export PGHOST=127.0.0.1 PGPORT="$(sed -n 's/^pg_port=//p' "$dir/cluster.env")" PGUSER=grassroots PGPASSWORD=grassroots-dev-only
    fi
    bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    sql() { "${bin:+$bin/}psql" -v ON_ERROR_STOP=1 -qAt "$@"; }
    restore() { "${bin:+$bin/}pg_restore" "$@" "$file"; }
    ;;
  *)
    echo "Where to restore: compose, local or server" >&2
    exit 2
    ;;
esac

started=$(date +%s%N)
if [ -z "$(sql -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$database'")" ]; then
  sql -d postgres -c "CREATE DATABASE $database"
elif [ "$(sql -d "$database" -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" != 0 ]; then
  echo "The database $database holds tables already; restore into a new one (a third argument) or drop it first." >&2
  exit 1
fi
# One transaction: a restore that fails leaves the database as empty as it found it.
restore --dbname="$database" --no-owner --exit-on-error --single-transaction
took=$(( ($(date +%s%N) - started) / 1000000 ))

echo "Restored $file into the database $database of the $where cluster's PostgreSQL in $took ms. It holds:" >&2
if [ -n "$(sql -d "$database" -c "SELECT 1 FROM pg_views WHERE viewname = 'record_counts'")" ]; then
  sql -d "$database" -F ' ' -c "SELECT kind, campaign_id, records, voided, last_changed FROM record_counts ORDER BY campaign_id, kind" \
    | awk '{ printf "  %-15s %-30s %8s records, %s voided, last changed %s %s\n", $1, $2, $3, $4, $5, $6 }' >&2
else
  # A backup from before migration 0009: the silo that starts on it adds the view.
  sql -d "$database" -F ' ' -c "SELECT 'study-sessions', count(*) FROM study_sessions UNION ALL SELECT 'honoree-talks', count(*) FROM honoree_talks
    UNION ALL SELECT 'publicity-items', count(*) FROM publicity_items" | awk '{ printf "  %-15s %8s\n", $1, $2 }' >&2
fi
