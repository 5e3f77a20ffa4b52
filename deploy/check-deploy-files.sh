#!/usr/bin/env bash
# Checks the deployment files without starting anything: docker-compose.yml (alone, with
# deploy/compose.local-images.yml and with deploy/compose.otlp.yml) with Debian's docker-compose, and both nginx fronts (compose's and local-cluster.sh's
# shared part) with nginx -t. The compose test (tests/Grassroots.Compose.Tests) then starts the stack for real.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== docker-compose config" >&2
docker-compose -f docker-compose.yml config -q
docker-compose -f docker-compose.yml -f deploy/compose.local-images.yml config -q
docker-compose -f docker-compose.yml -f deploy/compose.local-images.yml -f deploy/compose.otlp.yml config -q
# The OTLP override adds to each silo's environment; it replaces none of it.
[ "$(docker-compose -f docker-compose.yml -f deploy/compose.otlp.yml config | grep -c -E 'OTEL_EXPORTER_OTLP_ENDPOINT|Storage__Shard')" = 6 ] \
  || { echo "deploy/compose.otlp.yml does not add OTEL_EXPORTER_OTLP_ENDPOINT to each silo's own environment" >&2; exit 1; }

echo "== nginx -t on deploy/nginx/docker.conf" >&2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The container's paths and the compose service names, made to resolve here.
sed -e "s|/etc/nginx/grassroots-proxy.conf|$PWD/deploy/nginx/grassroots-proxy.conf|" -e 's/silo-[0-9]:8080/127.0.0.1:8080/' \
  deploy/nginx/docker.conf > "$work/default.conf"
cat > "$work/nginx.conf" <<CONF
pid $work/nginx.pid;
error_log stderr;
events {}
http {
    access_log off;
    client_body_temp_path $work; proxy_temp_path $work; fastcgi_temp_path $work; uwsgi_temp_path $work; scgi_temp_path $work;
    include $work/default.conf;
}
CONF
nginx -t -q -c "$work/nginx.conf"
echo "deployment files are valid" >&2
