#!/bin/bash
# The entrypoint of grassroots-postgres:local: what docker-compose.yml relies on of the official postgres image's, on
# Debian's PostgreSQL 15. First start: a cluster in $PGDATA whose superuser is POSTGRES_USER (password
# POSTGRES_PASSWORD, scram-sha-256 from any address) with the database POSTGRES_DB. Every start: postgres in the
# foreground as the postgres user; SIGINT (the image's stop signal) is PostgreSQL's fast shutdown.
set -euo pipefail
: "${POSTGRES_USER:=postgres}"
: "${POSTGRES_DB:=$POSTGRES_USER}"
export PGDATA="${PGDATA:-/var/lib/postgresql/data}"
bin=/usr/lib/postgresql/15/bin

if [ "$(id -u)" = 0 ]; then
  mkdir -p "$PGDATA" /run/postgresql
  chown postgres:postgres "$PGDATA" /run/postgresql
  chmod 700 "$PGDATA"
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  [ -n "${POSTGRES_PASSWORD:-}" ] || { echo "POSTGRES_PASSWORD is not set" >&2; exit 1; }
  echo "Creating the database cluster in $PGDATA, superuser $POSTGRES_USER, database $POSTGRES_DB" >&2
  pwfile=$(mktemp)
  printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"
  "$bin/initdb" -D "$PGDATA" -U "$POSTGRES_USER" --pwfile="$pwfile" -A scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null
  rm -f "$pwfile"
  echo "listen_addresses = '*'" >> "$PGDATA/postgresql.conf"
  echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
  if [ "$POSTGRES_DB" != postgres ]; then
    # On a socket of its own, so the health check (pg_isready) does not take this short-lived server for the real one.
    socket=$(mktemp -d)
    "$bin/pg_ctl" -D "$PGDATA" -o "-c listen_addresses='' -k $socket" -w start >/dev/null
    PGPASSWORD="$POSTGRES_PASSWORD" "$bin/psql" -h "$socket" -U "$POSTGRES_USER" -d postgres -v ON_ERROR_STOP=1 -qc "CREATE DATABASE \"$POSTGRES_DB\""
    "$bin/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null
    rmdir "$socket"
  fi
fi
exec "$bin/postgres" -D "$PGDATA" "$@"
