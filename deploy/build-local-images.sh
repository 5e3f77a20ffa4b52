#!/usr/bin/env bash
# Builds the images docker-compose.yml runs, for a machine that reaches no image registry but does reach Debian's
# packages and NuGet. deploy/compose.local-images.yml then puts them in place of the official images:
#   docker-compose -f docker-compose.yml -f deploy/compose.local-images.yml up -d
#
#   grassroots-base:local      Debian 12 (debootstrap minbase) with PostgreSQL 15, nginx-light, ICU, OpenSSL, tzdata
#                              and CA certificates, and the non-root user "app" (uid 1654) that Microsoft's .NET images have
#   grassroots-sdk:local       the base with this machine's .NET SDK: the FROM of deploy/Dockerfile's build stage
#   grassroots-postgres:local  the base run as compose runs postgres:15 (POSTGRES_* variables, PGDATA, pg_isready)
#   grassroots-nginx:local     the base run as compose runs nginx:1.28 (conf.d/default.conf, logs to the console)
#   grassroots-silo:local      deploy/Dockerfile itself, build stage and runtime stage, on the two images above
#
# Run as root (debootstrap, dockerd's socket). What is built already is kept: the base while its package list is the
# same, the SDK image while the SDK is, and Docker's layer cache for the rest (restore and publish run again only when
# their inputs change). --rebuild starts again from debootstrap; downloaded .deb files stay in the cache folder.
# Settings: GRASSROOTS_IMAGE_CACHE (default /var/cache/grassroots-images), GRASSROOTS_DEBIAN_MIRROR.
set -euo pipefail
cd "$(dirname "$0")/.."
# Docker's own CLI without its buildx plugin (as here) builds with the classic builder, as docker-compose 1.29 does.
export DOCKER_BUILDKIT=0

cache="${GRASSROOTS_IMAGE_CACHE:-/var/cache/grassroots-images}"
mirror="${GRASSROOTS_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
suite=bookworm
packages=postgresql-15,nginx-light,libicu72,libssl3,tzdata,ca-certificates
# Microsoft's .NET images (runtime-deps and up) have this user, "app" with a home, and define $APP_UID, which the
# Dockerfile's runtime stage relies on; the base has them alike.
app_uid=1654
rebuild=false
[ "${1:-}" = "--rebuild" ] && rebuild=true

started=$SECONDS
timings=()
step_started=0
step() { step_started=$SECONDS; echo "== $*" >&2; }
done_step() { local took=$((SECONDS - step_started)); timings+=("$(printf '%4d s  %s' "$took" "$1")"); echo "   $1: ${took} s" >&2; }
# docker build without its output, and without the classic builder's deprecation notice; failures are shown.
build_quietly() { docker build --quiet "$@" 2>&1 >/dev/null | { grep -v -E 'DEPRECATED|BuildKit|buildx|environment-variable|^ *$' >&2 || true; }; }
label_of() { docker image inspect --format "{{ index .Config.Labels \"$2\" }}" "$1" 2>/dev/null || true; }

docker info >/dev/null 2>&1 || { echo "No Docker engine answers (docker info failed). Start dockerd first." >&2; exit 1; }
command -v debootstrap >/dev/null || { echo "debootstrap is missing: apt-get install debootstrap" >&2; exit 1; }
mkdir -p "$cache"

# --- the base: debootstrap, then docker import ----------------------------------------------------------------------
base_key="$suite $packages user app=$app_uid with home"
if [ "$rebuild" = false ] && [ "$(label_of grassroots-base:local org.grassroots.base)" = "$base_key" ]; then
  echo "== grassroots-base:local is current ($base_key)" >&2
else
  step "debootstrap $suite (minbase + $packages) from $mirror"
  mkdir -p "$cache/debs"
  rootfs="$cache/rootfs"
  rm -rf "$rootfs"
  # Its phases only; every line goes to the log.
  debootstrap --variant=minbase --include="$packages" --cache-dir="$cache/debs" "$suite" "$rootfs" "$mirror" 2>&1 \
    | tee "$cache/debootstrap.log" \
    | { grep -E '^(I: (Retrieving (InRelease|Release|Packages)|Resolving|Found|Checking component|Installing core|Unpacking (required|the base)|Configuring (required|the base)|Base system)|W:|E:)' >&2 || true; }
  done_step "debootstrap"

  step "preparing the root file system"
  # The package's own cluster is not used (the postgres image makes one in its volume); nor are caches and docs.
  chroot "$rootfs" pg_dropcluster 15 main >/dev/null 2>&1 || true
  chroot "$rootfs" groupadd --gid "$app_uid" app
  chroot "$rootfs" useradd --no-log-init --uid "$app_uid" --gid "$app_uid" --create-home app
  chroot "$rootfs" apt-get clean
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/{doc,man,locale,i18n}/* "$rootfs"/var/log/*.log
  done_step "root file system"

  step "docker import → grassroots-base:local"
  tar -C "$rootfs" -c . | docker import \
    --change "LABEL org.grassroots.base=\"$base_key\"" \
    --change "ENV APP_UID=$app_uid DOTNET_RUNNING_IN_CONTAINER=true LANG=C.UTF-8 PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    --change 'CMD ["bash"]' \
    - grassroots-base:local >/dev/null
  rm -rf "$rootfs"
  done_step "docker import"
fi

# --- the SDK image: the base, this machine's .NET SDK and the certificate authorities it trusts -------------------
# The build stage's restore then reaches NuGet as `dotnet restore` here does, through whatever TLS proxy this machine's
# trust store accepts. Only this image carries them; the images that run do not.
dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
ca_bundle="${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt}"
sdk_key="$(dotnet --version) $(docker image inspect --format '{{.Id}}' grassroots-base:local) $(sha256sum < "$ca_bundle" | cut -c1-16)"
if [ "$rebuild" = false ] && [ "$(label_of grassroots-sdk:local org.grassroots.sdk)" = "$sdk_key" ]; then
  echo "== grassroots-sdk:local is current (.NET SDK $(dotnet --version))" >&2
else
  step "grassroots-sdk:local: the base + the .NET SDK $(dotnet --version) from $dotnet_root"
  context=$(mktemp -d)
  cp "$ca_bundle" "$context/ca-certificates.crt"
  cat > "$context/Dockerfile" <<'DOCKERFILE'
FROM grassroots-base:local
COPY dotnet/ /usr/share/dotnet/
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 NUGET_XMLDOC_MODE=skip \
    SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt
DOCKERFILE
  # One build context from two folders: the Dockerfile and the certificates, and the SDK under dotnet/.
  tar -c -C "$context" Dockerfile ca-certificates.crt -C "$dotnet_root" --transform 's,^\.,dotnet,' . \
    | build_quietly -t grassroots-sdk:local --label "org.grassroots.sdk=$sdk_key" -
  rm -rf "$context"
  done_step "SDK image"
fi

# --- PostgreSQL and nginx, as compose uses the official images ------------------------------------------------------
step "grassroots-postgres:local and grassroots-nginx:local"
build_quietly -t grassroots-postgres:local -f deploy/local-images/postgres.Dockerfile deploy/local-images
build_quietly -t grassroots-nginx:local -f deploy/local-images/nginx.Dockerfile deploy/local-images
done_step "PostgreSQL and nginx images"

# --- the silo: deploy/Dockerfile, through compose, as `up --build` builds it ----------------------------------------
step "grassroots-silo:local: deploy/Dockerfile on grassroots-sdk:local and grassroots-base:local (restore, self-contained publish)"
# The Dockerfile's steps and what restore and publish say; every line goes to the log.
docker-compose -f docker-compose.yml -f deploy/compose.local-images.yml build --force-rm silo-1 2>&1 \
  | tee "$cache/silo-build.log" \
  | { grep --line-buffered -E '^Step [0-9]+/|Restored |Grassroots\.[A-Za-z]+ ->|Successfully (built|tagged)|error|warn' >&2 || true; } \
  || { echo "The silo image did not build; the whole output is in $cache/silo-build.log" >&2; exit 1; }
echo "   $(grep -c 'Using cache' "$cache/silo-build.log") of $(grep -c '^Step ' "$cache/silo-build.log") steps came from Docker's cache" >&2
done_step "silo image"

echo "== built in $((SECONDS - started)) s:" >&2
printf '%s\n' "${timings[@]}" >&2
docker image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' | awk '/^grassroots-/ { print "   " $0 }' >&2
