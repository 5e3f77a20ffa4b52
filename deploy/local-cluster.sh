#!/usr/bin/env bash
# The docker-compose.yml topology without Docker, from Debian packages on loopback: one PostgreSQL, N silos forming
# one Orleans cluster over it (ADO.NET membership), and nginx in front hashing on the branch id. The cluster tests
# (tests/Grassroots.Cluster.Tests) use it. Local development only: the database password is not a secret.
#
#   deploy/local-cluster.sh start [N]     start PostgreSQL, N silos (default 3) and nginx; wait until all are ready
#                                         (silo 1 loads the demo data, campaign 2020-model-workers, on the first start)
#   deploy/local-cluster.sh stop          stop nginx, the silos (SIGTERM, as an orchestrator would) and PostgreSQL
#   deploy/local-cluster.sh status        what runs, each silo's /readyz, and the Orleans membership table
# For drills and the tests:
#   deploy/local-cluster.sh start-silo I | signal-silo I SIGNAL | stop-postgres | start-postgres | wait-ready
#
# Settings (environment; `start` records them in the cluster folder, so later commands need none of them):
#   GRASSROOTS_CLUSTER_DIR        state, logs and the database       default /tmp/grassroots-cluster
#   GRASSROOTS_CLUSTER_PORT       nginx; silo I serves HTTP on PORT+I  default 5300
#   GRASSROOTS_CLUSTER_PG_PORT    PostgreSQL                          default 15440
#   GRASSROOTS_CLUSTER_SILO_PORT  silo I's Orleans port is this + I   default 11300
#   GRASSROOTS_CLUSTER_GATEWAY_PORT  and its gateway port this + I    default 12300
#   GRASSROOTS_CLUSTER_MANAGEMENT_PORT  silo I's management port (/metrics with the dev-only scrape token below, /dashboard with the hq key) this + I   default 9300;
#                                 "off": no management port, no Prometheus (a later `start` may switch it, for silos it starts)
#   GRASSROOTS_CLUSTER_DEMO       load the demo data on silo 1 (1) or not (0)   default 1
# Keep every port below the kernel's ephemeral range (32768 and up here): PostgreSQL restarted in a drill cannot
# listen on a port that an outgoing connection happens to be using.
#   GRASSROOTS_SILO_DLL           a built Grassroots.Silo.dll to run; default: `dotnet publish` into the cluster folder
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
dir="${GRASSROOTS_CLUSTER_DIR:-/tmp/grassroots-cluster}"
settings="$dir/cluster.env"
password="grassroots-dev-only"
# What Prometheus sends to scrape a silo's /metrics (Authorization: Bearer …): local development only, as the password.
scrape_token="grassroots-dev-only-scrape-token"

load_settings() {
  if [ -f "$settings" ]; then
    # shellcheck disable=SC1090
    . "$settings"
    management_port="${management_port:-${GRASSROOTS_CLUSTER_MANAGEMENT_PORT:-9300}}" # folders made before these settings
    demo="${demo:-${GRASSROOTS_CLUSTER_DEMO:-1}}"
  else
    count=3
    http_port="${GRASSROOTS_CLUSTER_PORT:-5300}"
    pg_port="${GRASSROOTS_CLUSTER_PG_PORT:-15440}"
    silo_port="${GRASSROOTS_CLUSTER_SILO_PORT:-11300}"
    gateway_port="${GRASSROOTS_CLUSTER_GATEWAY_PORT:-12300}"
    management_port="${GRASSROOTS_CLUSTER_MANAGEMENT_PORT:-9300}"
    demo="${GRASSROOTS_CLUSTER_DEMO:-1}"
    dll="${GRASSROOTS_SILO_DLL:-}"
  fi
  connection="Host=127.0.0.1;Port=$pg_port;Username=grassroots;Password=$password;Database=grassroots"
}

save_settings() {
  cat > "$settings" <<EOF
count=$count
http_port=$http_port
pg_port=$pg_port
silo_port=$silo_port
gateway_port=$gateway_port
management_port=$management_port
demo=$demo
dll='$dll'
EOF
}

log() { echo "== $*" >&2; }

pid_of() { [ -f "$dir/$1.pid" ] && cat "$dir/$1.pid" || true; }

running() { local pid; pid=$(pid_of "$1"); [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; }

# The settings every silo and command of this cluster runs with; silo I adds its shard and ports.
silo_env() {
  local i=$1
  echo "ASPNETCORE_ENVIRONMENT=Production DOTNET_NOLOGO=1 Storage__Provider=Postgres Storage__ConnectionString=$connection" \
    "Storage__Shard=silo-$i Cluster__ClusterId=grassroots-local Cluster__ServiceId=grassroots" \
    "Cluster__SiloPort=$((silo_port + i)) Cluster__GatewayPort=$((gateway_port + i)) Cluster__AdvertisedAddress=127.0.0.1" \
    "Cluster__DrainDelay=00:00:02 Demo__Load=$([ "$i" = 1 ] && [ "$demo" = 1 ] && echo true || echo false)" \
    "$(management_env "$i")" \
    "Logging__Console__FormatterOptions__IncludeScopes=true"
}

management_env() {
  if [ "$management_port" = off ]; then echo "Telemetry__Prometheus=false Management__Url="
  else echo "Telemetry__Prometheus=true Management__Url=http://127.0.0.1:$((management_port + $1)) Management__ScrapeToken=$scrape_token"; fi
}

management_of() { [ "$management_port" = off ] && echo "off" || echo "http://127.0.0.1:$((management_port + $1))/dashboard/ (the hq key), /metrics (Bearer $scrape_token)"; }

content_root() { # a published app carries its wwwroot; a build output serves the project's
  if [ -d "$(dirname "$dll")/wwwroot" ]; then dirname "$dll"; else echo "$repo/src/Grassroots.Silo"; fi
}

ensure_app() {
  if [ -n "$dll" ]; then
    [ -f "$dll" ] || { echo "GRASSROOTS_SILO_DLL=$dll does not exist" >&2; exit 1; }
    return
  fi
  log "publishing the service into $dir/app"
  dotnet publish "$repo/src/Grassroots.Silo" -c Release -o "$dir/app" --nologo -v quiet >&2
  dll="$dir/app/Grassroots.Silo.dll"
}

start_postgres() {
  log "PostgreSQL on 127.0.0.1:$pg_port"
  # Its setup (initdb's, pg_ctl's) is in a log of its own, not on the screen.
  "$repo/deploy/postgres-throwaway.sh" "$pg_port" "$dir/pg" >/dev/null 2>>"$dir/postgres-setup.log" \
    || { echo "PostgreSQL did not start; see $dir/postgres-setup.log:" >&2; tail -n 20 "$dir/postgres-setup.log" >&2; exit 1; }
  export PGPASSWORD=$password
  if [ -z "$(psql -h 127.0.0.1 -p "$pg_port" -U grassroots -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'grassroots'")" ]; then
    psql -h 127.0.0.1 -p "$pg_port" -U grassroots -d postgres -qc "CREATE DATABASE grassroots" >&2
  fi
}

stop_postgres() {
  log "stopping PostgreSQL"
  "$repo/deploy/postgres-throwaway.sh" stop "$dir/pg" 2>>"$dir/postgres-setup.log"
}

start_silo() {
  local i=$1
  if running "silo-$i"; then log "silo-$i already runs (pid $(pid_of "silo-$i"))"; return; fi
  log "silo-$i on http://127.0.0.1:$((http_port + i))"
  # setsid: the silo outlives this script and gets only the signals sent to it.
  # shellcheck disable=SC2046
  env $(silo_env "$i") setsid dotnet "$dll" --urls "http://127.0.0.1:$((http_port + i))" --contentRoot "$(content_root)" \
    >>"$dir/silo-$i.log" 2>&1 </dev/null &
  echo $! > "$dir/silo-$i.pid"
}

# The status code /readyz answers on a port, or 000 when nothing does (bash's /dev/tcp: no curl needed).
readyz() {
  timeout 5 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1 && printf 'GET /readyz HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3 && head -n 1 <&3" 2>/dev/null \
    | awk '{ print $2 }' | grep . || echo 000
}

ready() { [ "$(readyz "$1")" = 200 ]; }

wait_ready() {
  local deadline=$((SECONDS + ${GRASSROOTS_CLUSTER_START_TIMEOUT:-180})) i
  for i in $(seq 1 "$count"); do
    running "silo-$i" || continue
    until ready $((http_port + i)); do
      if ! running "silo-$i"; then echo "silo-$i exited; see $dir/silo-$i.log:" >&2; tail -n 30 "$dir/silo-$i.log" >&2; exit 1; fi
      if [ $SECONDS -ge $deadline ]; then echo "silo-$i is not ready; see $dir/silo-$i.log" >&2; exit 1; fi
      sleep 0.5
    done
  done
}

write_nginx_conf() {
  mkdir -p "$dir/nginx-temp"
  local user="" servers="" i
  if [ "$(id -u)" = 0 ]; then user="user www-data;"; chown www-data "$dir/nginx-temp"; fi
  for i in $(seq 1 "$count"); do servers+="        server 127.0.0.1:$((http_port + i)) max_fails=2 fail_timeout=5s;"$'\n'; done
  cp "$repo/deploy/nginx/grassroots-proxy.conf" "$dir/grassroots-proxy.conf"
  cat > "$dir/nginx.conf" <<EOF
# Written by deploy/local-cluster.sh; the same front as deploy/nginx/docker.conf, on loopback.
$user
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/nginx-error.log warn;
events { worker_connections 1024; }
http {
    log_format upstream '\$time_iso8601 \$request_method \$uri \$status upstream=\$upstream_addr upstream_status=\$upstream_status \$request_time';
    access_log $dir/nginx-access.log upstream;
    client_body_temp_path $dir/nginx-temp/body;
    proxy_temp_path $dir/nginx-temp/proxy;
    fastcgi_temp_path $dir/nginx-temp/fastcgi;
    uwsgi_temp_path $dir/nginx-temp/uwsgi;
    scgi_temp_path $dir/nginx-temp/scgi;
    upstream grassroots_silos {
        hash \$branch_id consistent;
$servers        keepalive 32;
    }
    server {
        listen 127.0.0.1:$http_port;
        include $dir/grassroots-proxy.conf;
    }
}
EOF
}

start_nginx() {
  command -v nginx >/dev/null || { log "installing nginx from Debian packages"; apt-get update -qq >&2; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx >&2; }
  write_nginx_conf
  if running nginx; then nginx -c "$dir/nginx.conf" -s reload; else nginx -c "$dir/nginx.conf"; fi
  log "nginx on http://127.0.0.1:$http_port"
}

# Sends SIGTERM and waits for the silo to leave the cluster and exit; SIGKILL only if it has not after a minute.
stop_silo() {
  local i=$1 pid
  pid=$(pid_of "silo-$i")
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid"
  for _ in $(seq 1 600); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  log "silo-$i did not stop within 60 s; killing it"
  kill -KILL "$pid" 2>/dev/null || true
}

first_key() {
  [ -s "$dir/hq-key.txt" ] && return
  log "creating the first hq key: KEY=\"\$(cat $dir/hq-key.txt)\""
  local key
  # The command says on standard error that the key follows on standard output, which goes to the file; its words are
  # kept in the key's log rather than shown without the key they announce.
  # shellcheck disable=SC2046
  key=$(env $(silo_env 1) dotnet "$dll" keys create --role hq --scope CN --label local-cluster 2>>"$dir/hq-key.log")
  (umask 077; echo "$key" > "$dir/hq-key.txt")
}

status() {
  local i
  echo "cluster folder: $dir"
  echo "nginx:      http://127.0.0.1:$http_port  $(running nginx && echo running || echo stopped)"
  for i in $(seq 1 "$count"); do
    local code
    code=$(readyz $((http_port + i)))
    echo "silo-$i:     http://127.0.0.1:$((http_port + i))  pid $(pid_of "silo-$i") $(running "silo-$i" && echo running || echo stopped), /readyz $code, management $(management_of "$i")"
  done
  echo "PostgreSQL: 127.0.0.1:$pg_port  $("$repo/deploy/postgres-throwaway.sh" status "$dir/pg" || true)"
  PGPASSWORD=$password psql -h 127.0.0.1 -p "$pg_port" -U grassroots -d grassroots -c \
    "SELECT silo_name AS silo, address, port, CASE status WHEN 2 THEN 'joining' WHEN 3 THEN 'active' WHEN 4 THEN 'shutting down'
       WHEN 5 THEN 'stopping' WHEN 6 THEN 'dead' ELSE status::text END AS status, start_time, i_am_alive_time
     FROM orleans_membership WHERE deployment_id = 'grassroots-local' ORDER BY silo_name, start_time" 2>/dev/null || true
}

cmd="${1:-}"
case "$cmd" in
  start)
    mkdir -p "$dir"
    chmod 755 "$dir" # PostgreSQL runs as its own user and must reach its folder inside
    load_settings
    count="${2:-$count}"
    dll="${GRASSROOTS_SILO_DLL:-}" # publish afresh unless told which build to run
    management_port="${GRASSROOTS_CLUSTER_MANAGEMENT_PORT:-$management_port}"
    ensure_app
    save_settings
    start_postgres
    for i in $(seq 1 "$count"); do start_silo "$i"; done
    wait_ready
    start_nginx
    first_key
    status
    echo "Open http://127.0.0.1:$http_port/ with the hq key in $dir/hq-key.txt; the demo campaign is 2020-model-workers."
    ;;
  stop)
    load_settings
    if running nginx; then nginx -c "$dir/nginx.conf" -s quit; fi
    for i in $(seq 1 "$count"); do stop_silo "$i" & done
    wait
    stop_postgres
    ;;
  status) load_settings; status ;;
  start-silo) load_settings; start_silo "${2:?silo number}"; wait_ready ;;
  signal-silo) load_settings; pid=$(pid_of "silo-${2:?silo number}"); kill -"${3:?signal}" "$pid" ;;
  stop-silo) load_settings; stop_silo "${2:?silo number}" ;;
  stop-postgres) load_settings; stop_postgres ;;
  start-postgres) load_settings; start_postgres ;;
  wait-ready) load_settings; wait_ready ;;
  *) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2; exit 2 ;;
esac
