#!/usr/bin/env bash
# Installs every system package Basalt needs to build, test and benchmark on Debian 12.
# Idempotent: packages already present are skipped, so `make run` stays fast after the first time.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git
  libboost1.81-dev libssl-dev libpq-dev libyaml-cpp-dev libspdlog-dev libfmt-dev
  libcli11-dev nlohmann-json3-dev libcurl4-openssl-dev libldap-dev libpg-query-dev
  libcrypt-dev libgtest-dev libgmock-dev libmimalloc-dev
  postgresql-15 postgresql-client-15 postgresql-contrib
  nodejs npm python3-aiosmtpd
  wrk nginx-light hyperfine procps curl
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

# Node may come from elsewhere than Debian (a newer build on PATH); keep it if it is there.
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
  filtered=()
  for pkg in "${missing[@]}"; do
    [[ "$pkg" == nodejs || "$pkg" == npm ]] || filtered+=("$pkg")
  done
  missing=("${filtered[@]+"${filtered[@]}"}")
fi

if ((${#missing[@]})); then
  echo "bootstrap: installing ${missing[*]}"
  SUDO=""
  [[ $(id -u) -eq 0 ]] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
  # Debian starts the packaged services on install; Basalt runs its own clusters and bench nginx.
  $SUDO systemctl disable --now nginx postgresql >/dev/null 2>&1 || true
  $SUDO service nginx stop >/dev/null 2>&1 || true
fi

# The managed cluster runs as `postgres` when Basalt runs as root.
if [[ $(id -u) -eq 0 ]] && ! id postgres >/dev/null 2>&1; then
  useradd --system --home /var/lib/postgresql --shell /bin/bash postgres
fi
echo "bootstrap: system packages ready"
