#!/usr/bin/env bash
# `make down`: stops what `make dev` started (its processes, and MariaDB/Redis only if
# a ClusterGenie script started them), and nothing else.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
source "$CG_ROOT/scripts/stack.sh"
STACK_DIR="$CG_VAR/dev" stack_stop
bash "$CG_ROOT/scripts/services.sh" down
