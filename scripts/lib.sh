# Shared helpers of the dev and test scripts: logging, waiting on conditions with a
# deadline, and the local service addresses. Sourced, never run.

CG_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CG_VAR="$CG_ROOT/var"
CG_DB_USER=clustergenie
CG_DB_PASSWORD=clustergenie
CG_DB_SERVER_URL="mysql://$CG_DB_USER:$CG_DB_PASSWORD@127.0.0.1:3306"
CG_REDIS_URL="redis://127.0.0.1:6379"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# wait_for DESCRIPTION SECONDS COMMAND...: polls COMMAND until it succeeds or time runs out.
wait_for() {
  local what=$1 seconds=$2; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    (( SECONDS < deadline )) || die "$what did not come up within ${seconds}s"
    sleep 0.2
  done
}

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
