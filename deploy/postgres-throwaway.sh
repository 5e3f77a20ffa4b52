#!/usr/bin/env bash
# Starts a throw-away PostgreSQL server on 127.0.0.1 for tests and local clusters, installing it from
# Debian packages when missing. Prints the connection string on stdout; everything else goes to stderr.
# Local development only: the role and password below are not secrets and must never reach production.
#   usage: deploy/postgres-throwaway.sh [port] [data-dir]
#          deploy/postgres-throwaway.sh stop [data-dir]      stops it (the data stays; `rm -rf` the folder to drop it)
#          deploy/postgres-throwaway.sh status [data-dir]    prints running or stopped (exit 0 or 3)
set -euo pipefail

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)

run_pg() { # initdb and pg_ctl refuse to run as root
  if [ "$(id -u)" = "0" ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi
}

if [ "${1:-}" = "stop" ]; then
  dir="${2:-/tmp/grassroots-pg}"
  if [ -n "$bin" ] && [ -s "$dir/PG_VERSION" ]; then run_pg "'$bin/pg_ctl' -D '$dir' -m fast stop" >&2 || true; fi
  exit 0
fi

if [ "${1:-}" = "status" ]; then
  dir="${2:-/tmp/grassroots-pg}"
  if [ -n "$bin" ] && [ -s "$dir/PG_VERSION" ] && run_pg "'$bin/pg_ctl' -D '$dir' status" >/dev/null 2>&1; then echo running; exit 0; fi
  echo stopped
  exit 3
fi

port="${1:-55432}"
dir="${2:-/tmp/grassroots-pg}"
user="grassroots"
password="grassroots-dev-only"

if [ -z "$bin" ]; then
  echo "PostgreSQL is not installed; installing it from Debian packages…" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi

if [ ! -s "$dir/PG_VERSION" ]; then
  mkdir -p "$dir"
  [ "$(id -u)" = "0" ] && chown postgres:postgres "$dir"
  chmod 700 "$dir"
  pwfile=$(mktemp)
  echo "$password" > "$pwfile"
  [ "$(id -u)" = "0" ] && chown postgres "$pwfile"
  run_pg "'$bin/initdb' -D '$dir' -U '$user' --pwfile='$pwfile' -A scram-sha-256 -E UTF8 --locale=C.UTF-8" >&2
  rm -f "$pwfile"
  cat >> "$dir/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
max_connections = 200
shared_buffers = 256MB
CONF
fi

if ! run_pg "'$bin/pg_ctl' -D '$dir' status" >/dev/null 2>&1; then
  run_pg "'$bin/pg_ctl' -D '$dir' -l '$dir/server.log' -w -t 60 start" >&2
fi

echo "Host=127.0.0.1;Port=$port;Username=$user;Password=$password;Database=postgres"
