#!/usr/bin/env bash
# Installs, on a fresh Debian machine, whatever the build, the services and the tests
# need and is missing. Safe to run again: it installs nothing that is already there.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

command -v cargo >/dev/null || die "cargo (rustup) is required: https://rustup.rs"

missing=()
need() { command -v "$1" >/dev/null 2>&1 || missing+=("$2"); }
need cc build-essential
need make build-essential
need pkg-config pkg-config
need mariadbd mariadb-server
need mysql mariadb-client
need redis-server redis-server
need node nodejs
need npm npm
need python3 python3
need curl curl
need promtool prometheus
need prometheus-alertmanager prometheus-alertmanager
need chromium chromium
need java openjdk-17-jre-headless
need mvn maven
[ -f /usr/include/zlib.h ] || missing+=(zlib1g-dev)

if [ ${#missing[@]} -gt 0 ]; then
  say "installing: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
python3 -c 'import yaml' 2>/dev/null || python3 -m pip install -q pyyaml 2>/dev/null \
  || as_root apt-get install -y -qq python3-yaml >/dev/null
