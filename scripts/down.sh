#!/usr/bin/env bash
# `make down`: stops what `make dev` started (its processes, and MariaDB/Redis only if
# make dev started them), and nothing else.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
pids="$CG_VAR/dev/pids"
if [ -f "$pids" ]; then
  tac "$pids" | while read -r pid name; do
    kill "$pid" 2>/dev/null && say "stopped $name"
  done
  rm -f "$pids"
fi
bash "$CG_ROOT/scripts/services.sh" down
