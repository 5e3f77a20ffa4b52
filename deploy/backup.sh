#!/usr/bin/env bash
# Backs up a Grassroots cluster's database with pg_dump, in its custom format (compressed; pg_restore restores it,
# table by table and in parallel). deploy/restore.sh restores it.
#
#   deploy/backup.sh compose [FILE]   the database of docker-compose.yml's PostgreSQL (the compose files and project as
#                                     docker-compose finds them: COMPOSE_FILE, COMPOSE_PROJECT_NAME, the current folder)
#   deploy/backup.sh local [FILE]     the database of deploy/local-cluster.sh's PostgreSQL (GRASSROOTS_CLUSTER_DIR)
#   deploy/backup.sh server [FILE]    a database of any PostgreSQL, named as libpq names it: PGHOST, PGPORT, PGUSER,
#                                     PGPASSWORD (or ~/.pgpass), PGDATABASE (default grassroots)
# FILE defaults to grassroots-YYYYMMDDTHHMMSSZ.dump in the current folder. The silos keep serving meanwhile.
#
# What a backup holds: every table of the database as of one moment, pg_dump's snapshot, taken as it starts: every record
# acknowledged before then (a write is acknowledged only once its batch committed), with the rollups committed in the
# same transactions (so a restored database reconciles to zero), the API keys (their hashes), sign-offs, the audit
# trail, import jobs and grain state. Not the Orleans membership rows: they describe the processes running now, and the
# silos started on a restored database make their own. Nothing outside the database (nginx, the images) is in it.
set -euo pipefail
cd "$(dirname "$0")/.."

where="${1:-}"
file="${2:-grassroots-$(date -u +%Y%m%dT%H%M%SZ).dump}"
# Membership is the running cluster's, not data: its rows (and their version row) are left out, the tables kept.
options=(--format=custom --no-owner --exclude-table-data=orleans_membership --exclude-table-data=orleans_membership_version)

started=$(date +%s%N)
case "$where" in
  compose)
    # pg_dump of the PostgreSQL container, as its own user with its own password; the archive comes out on stdout.
    docker-compose exec -T postgres sh -c 'PGPASSWORD="$POSTGRES_PASSWORD" exec pg_dump -h 127.0.0.1 -U "$POSTGRES_USER" -d "$POSTGRES_DB" "$@"' \
      pg_dump "${options[@]}" > "$file.partial"
    ;;
  local | server)
    if [ "$where" = local ]; then
      dir="${GRASSROOTS_CLUSTER_DIR:-/tmp/grassroots-cluster}"
      [ -f "$dir/cluster.env" ] || { echo "No local cluster in $dir (deploy/local-cluster.sh start makes one)." >&2; exit 1; }
      # The local cluster's PostgreSQL as libpq names a server; its password is local-cluster.sh's, local development only.
      export PGHOST=127.0.0.1 PGPORT="$(sed -n 's/^pg_port=//p' "$dir/cluster.env")" PGUSER=grassroots PGDATABASE=grassroots \
        PGPASSWORD=grassroots-dev-only
    fi
    bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    "${bin:+$bin/}pg_dump" -d "${PGDATABASE:-grassroots}" "${options[@]}" -f "$file.partial"
    ;;
  *)
    awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2
    exit 2
    ;;
esac
# Only a whole archive takes the file's name: a failed pg_dump leaves no file that looks like a backup.
mv "$file.partial" "$file"
echo "Backed up the $where cluster's database to $file ($(du -h "$file" | cut -f1)) in $(( ($(date +%s%N) - started) / 1000000 )) ms" >&2
echo "$file"
