#!/usr/bin/env bash
# Builds the images docker-compose.yml runs, for a machine that reaches no image registry but does reach Debian's
# packages and NuGet. deploy/compose.local-images.yml then puts them in place of the official images:
#   docker-compose -f docker-compose.yml -f deploy/compose.local-images.yml up -d
#
#   grassroots-debian:local    Debian 12 (debootstrap minbase) with ICU, OpenSSL, tzdata and CA certificates, and the
#                              non-root user "app" (uid 1654) that Microsoft's .NET images have: the others start from it
#   grassroots-runtime:local   what the silo runs and nothing else: the files (as dpkg lists them) of the C and C++
#                              libraries, ICU, OpenSSL, zlib, tzdata, the CA certificates, and sh, bash, coreutils and grep
#                              for the health check; no package manager, no PostgreSQL, no nginx. deploy/Dockerfile's
#                              runtime stage starts from it
#   grassroots-sdk:local       grassroots-debian with this machine's .NET SDK: the FROM of deploy/Dockerfile's build stage
#   grassroots-postgres:local  grassroots-debian with Debian's PostgreSQL 15, run as compose runs postgres:15
#   grassroots-nginx:local     grassroots-debian with Debian's nginx-light, run as compose runs nginx:1.28
#   grassroots-silo:local      deploy/Dockerfile itself, build stage and runtime stage, on the sdk and runtime images;
#                              its build stage is kept as grassroots-silo-build:local, Docker's cache of the restore
#
# Run as root (debootstrap, dockerd's socket). What is built already is kept: the Debian image while its package list
# is the same, the SDK image while the SDK is, and Docker's layer cache for the rest (restore and publish run again
# only when their inputs change). --rebuild starts again from debootstrap; downloaded .deb files stay in the cache
# folder. No image is left dangling: an image a rebuild replaced is removed. At the end the script prints the size of
# each image. Settings: GRASSROOTS_IMAGE_CACHE (default /var/cache/grassroots-images), GRASSROOTS_DEBIAN_MIRROR.
set -euo pipefail
cd "$(dirname "$0")/.."
# Docker's own CLI without its buildx plugin (as here) builds with the classic builder, as docker-compose 1.29 does.
export DOCKER_BUILDKIT=0

cache="${GRASSROOTS_IMAGE_CACHE:-/var/cache/grassroots-images}"
mirror="${GRASSROOTS_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
suite=bookworm
packages=libicu72,libssl3,tzdata,ca-certificates
# What the silo's runtime image holds: these packages' files and those of what they depend on (but debconf, perl and
# openssl, which only their maintainer scripts use: the certificate bundle those made is copied as a file).
runtime_packages="libc6 libgcc-s1 libstdc++6 zlib1g libicu72 libssl3 tzdata ca-certificates bash dash coreutils grep"
runtime_left_out="debconf perl-base openssl dpkg install-info"
# Of those files, what the silo never uses: glibc's character-set converters and tools, ICU's tools, the leap-second
# copy of the time zones, licences and the sources of the certificate bundle, and coreutils' programs but these (for
# the Dockerfile's RUN, the health check, compose's hq-key service and an operator's look inside).
runtime_unused='^usr/(lib/x86_64-linux-gnu/(gconv|libicu(io|test|tu)|libmvec|libmemusage|libpcprofile|libc_malloc_debug|libBrokenLocale|libthread_db)|share/(zoneinfo/right|ca-certificates|common-licenses|gcc|bug|info|lintian))'
coreutils_kept="cat chmod chown cp env head id ls mkdir mv rm sleep tail"
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
build_quietly() { docker build --quiet --force-rm "$@" 2>&1 >/dev/null | { grep -v -E 'DEPRECATED|BuildKit|buildx|environment-variable|^ *$' >&2 || true; }; }
label_of() { docker image inspect --format "{{ index .Config.Labels \"$2\" }}" "$1" 2>/dev/null || true; }

docker info >/dev/null 2>&1 || { echo "No Docker engine answers (docker info failed). Start dockerd first." >&2; exit 1; }
command -v debootstrap >/dev/null || { echo "debootstrap is missing: apt-get install debootstrap" >&2; exit 1; }
mkdir -p "$cache"
# Images that are dangling now are not this script's to remove; those that become dangling while it runs are.
dangling_before=$(docker image ls --quiet --filter dangling=true | sort -u)

# --- Debian: debootstrap, then docker import -----------------------------------------------------------------------
base_key="$suite $packages user app=$app_uid with home"
if [ "$rebuild" = false ] && [ "$(label_of grassroots-debian:local org.grassroots.base)" = "$base_key" ]; then
  echo "== grassroots-debian:local is current ($base_key)" >&2
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
  chroot "$rootfs" groupadd --gid "$app_uid" app
  chroot "$rootfs" useradd --no-log-init --uid "$app_uid" --gid "$app_uid" --create-home app
  chroot "$rootfs" apt-get clean
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/{doc,man,locale,i18n}/* "$rootfs"/var/log/*.log
  done_step "root file system"

  step "docker import → grassroots-debian:local"
  tar -C "$rootfs" -c . | docker import \
    --change "LABEL org.grassroots.base=\"$base_key\"" \
    --change "ENV APP_UID=$app_uid DOTNET_RUNNING_IN_CONTAINER=true LANG=C.UTF-8 PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    --change 'CMD ["bash"]' \
    - grassroots-debian:local >/dev/null
  rm -rf "$rootfs"
  done_step "docker import of Debian"
fi

# --- the runtime image: cut from the Debian image's files -------------------------------------------------------------
runtime_key="$(docker image inspect --format '{{.Id}}' grassroots-debian:local) $runtime_packages without $runtime_left_out, $runtime_unused, coreutils but $coreutils_kept"
if [ "$rebuild" = false ] && [ "$(label_of grassroots-runtime:local org.grassroots.runtime)" = "$runtime_key" ]; then
  echo "== grassroots-runtime:local is current ($runtime_packages)" >&2
else
  step "grassroots-runtime:local: the files of $runtime_packages and what they depend on"
  rootfs="$cache/debian-files"
  rm -rf "$rootfs" && mkdir -p "$rootfs"
  container=$(docker create grassroots-debian:local)
  docker export "$container" | tar -C "$rootfs" -x
  docker rm "$container" >/dev/null
  installed() { chroot "$rootfs" dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q ' installed$'; }
  # The closure of the packages' Depends and Pre-Depends (the first of alternatives, and only what is installed: a
  # virtual package's provider is installed under its own name), as dpkg in the Debian image knows them.
  wanted=" $runtime_packages "
  queue=($runtime_packages)
  while [ ${#queue[@]} -gt 0 ]; do
    package=${queue[0]}
    queue=("${queue[@]:1}")
    for dependency in $(chroot "$rootfs" dpkg-query -W -f='${Pre-Depends}, ${Depends}\n' "$package" \
      | tr ',' '\n' | sed -E 's/\|.*//; s/\(.*\)//; s/:any//; s/ //g' | grep . || true); do
      case "$wanted $runtime_left_out " in *" $dependency "*) continue ;; esac
      installed "$dependency" || continue
      wanted+="$dependency "
      queue+=("$dependency")
    done
  done
  list="$cache/runtime-files.txt"
  # dpkg's file lists, the merged-/usr links, the accounts, the certificate bundle and the folders a process needs. Some
  # packages list files under /bin or /lib, which are links into /usr: they are archived where they are.
  { for package in $wanted; do
      if [ "$package" = coreutils ]; then
        chroot "$rootfs" dpkg-query -L coreutils | grep -E -v "^/(usr/)?bin/" || true
        chroot "$rootfs" dpkg-query -L coreutils | grep -E "^/(usr/)?bin/($(echo $coreutils_kept | tr ' ' '|'))$"
      else
        chroot "$rootfs" dpkg-query -L "$package"
      fi
    done
    printf '%s\n' /bin /lib /lib64 /sbin /etc/passwd /etc/group /etc/ssl/certs/ca-certificates.crt /home/app /tmp /root /var/tmp
  } | grep '^/' | sed -E 's|^/||; s#^(bin|sbin|lib|lib64)/#usr/\1/#' | grep -v -E '^(\.|usr/share/(doc|man|locale)(/|$))' | grep -v -E "$runtime_unused" | sort -u > "$list"
  tar -C "$rootfs" -c --no-recursion -T "$list" | docker import \
    --change "LABEL org.grassroots.runtime=\"$runtime_key\"" \
    --change "ENV APP_UID=$app_uid DOTNET_RUNNING_IN_CONTAINER=true LANG=C.UTF-8 PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    --change 'CMD ["bash"]' \
    - grassroots-runtime:local >/dev/null
  echo "   $(echo $wanted | wc -w) packages: $(echo $wanted)" >&2
  rm -rf "$rootfs"
  done_step "runtime image"
fi

# --- the SDK image: Debian, this machine's .NET SDK and the certificate authorities it trusts ----------------------
# The build stage's restore then reaches NuGet as `dotnet restore` here does, through whatever TLS proxy this machine's
# trust store accepts. Only this image carries them; the images that run do not.
dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
ca_bundle="${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt}"
sdk_key="$(dotnet --version) $(docker image inspect --format '{{.Id}}' grassroots-debian:local) $(sha256sum < "$ca_bundle" | cut -c1-16)"
if [ "$rebuild" = false ] && [ "$(label_of grassroots-sdk:local org.grassroots.sdk)" = "$sdk_key" ]; then
  echo "== grassroots-sdk:local is current (.NET SDK $(dotnet --version))" >&2
else
  step "grassroots-sdk:local: Debian + the .NET SDK $(dotnet --version) from $dotnet_root"
  context=$(mktemp -d)
  cp "$ca_bundle" "$context/ca-certificates.crt"
  cat > "$context/Dockerfile" <<'DOCKERFILE'
FROM grassroots-debian:local
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

# --- PostgreSQL and nginx, each Debian with its own package, as compose uses the official images ---------------------
# apt-get in the build reaches Debian's mirror as this machine does (host network), and leaves no package lists behind.
step "grassroots-postgres:local and grassroots-nginx:local"
build_quietly --network host -t grassroots-postgres:local -f deploy/local-images/postgres.Dockerfile deploy/local-images
build_quietly --network host -t grassroots-nginx:local -f deploy/local-images/nginx.Dockerfile deploy/local-images
done_step "PostgreSQL and nginx images"

# --- the silo: deploy/Dockerfile, with the build arguments deploy/compose.local-images.yml gives --------------------
step "grassroots-silo:local: deploy/Dockerfile on grassroots-sdk:local and grassroots-runtime:local (restore, self-contained publish)"
silo_build=(docker build --force-rm --network host -f deploy/Dockerfile --build-arg SDK_IMAGE=grassroots-sdk:local
  --build-arg RUNTIME_IMAGE=grassroots-runtime:local)
# The build stage first, under a name of its own: Docker's cache of restore and publish, kept rather than left dangling.
# The Dockerfile's steps and what restore and publish say; every line goes to the log.
if ! { "${silo_build[@]}" --target build -t grassroots-silo-build:local . && "${silo_build[@]}" -t grassroots-silo:local . ; } 2>&1 \
  | tee "$cache/silo-build.log" \
  | { grep --line-buffered -E '^Step [0-9]+/|Restored |Grassroots\.[A-Za-z]+ ->|Successfully (built|tagged)|error|warn' >&2 || true; }; then
  echo "The silo image did not build; the whole output is in $cache/silo-build.log" >&2
  exit 1
fi
echo "   $(grep -c 'Using cache' "$cache/silo-build.log") of $(grep -c '^Step ' "$cache/silo-build.log") steps came from Docker's cache" >&2
done_step "silo image"

# --- what the rebuilds replaced --------------------------------------------------------------------------------------
replaced=$(comm -13 <(echo "$dangling_before") <(docker image ls --quiet --filter dangling=true | sort -u) | grep . || true)
if [ -n "$replaced" ]; then
  echo "== removing $(echo "$replaced" | wc -l) image(s) the rebuilds replaced" >&2
  # shellcheck disable=SC2086
  docker image rm $replaced >/dev/null 2>&1 || echo "   (some are still used by containers and stay)" >&2
fi

echo "== built in $((SECONDS - started)) s:" >&2
printf '%s\n' "${timings[@]}" >&2
echo "== image sizes:" >&2
docker image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' | awk '/^grassroots-/ { print "   " $0 }' >&2
