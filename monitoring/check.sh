#!/usr/bin/env bash
# Validates everything under monitoring/: Prometheus config and rules (promtool), rule unit tests,
# dashboard PromQL, the dashboard lint (lint_dashboards.py), the Alertmanager config (amtool),
# and every JSON/YAML file. Installs promtool, amtool and PyYAML when missing.
# Prints "N passed, M failed" last and exits non-zero if any check failed.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
cd "$repo" || exit 2

passed=0
failed=0

check() {
  local name="$1"
  shift
  local out
  if out="$("$@" 2>&1)"; then
    passed=$((passed + 1))
    echo "ok   - $name"
  else
    failed=$((failed + 1))
    echo "FAIL - $name"
    printf '%s\n' "$out" | sed 's/^/       /'
  fi
}

ensure_tools() {
  if ! command -v promtool >/dev/null 2>&1; then
    echo "promtool missing: installing Debian's prometheus package"
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
      { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus; } >/dev/null \
        || { echo "error: could not install prometheus (promtool)" >&2; exit 2; }
    else
      echo "error: promtool not found; run: apt-get install --no-install-recommends prometheus" >&2
      exit 2
    fi
  fi
  if ! command -v amtool >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "amtool missing: installing Debian's prometheus-alertmanager package"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus-alertmanager >/dev/null \
      || echo "warning: could not install prometheus-alertmanager; the amtool check will fail" >&2
  fi
  if ! python3 -c 'import yaml' >/dev/null 2>&1; then
    echo "PyYAML missing: installing with pip"
    python3 -m pip install --quiet pyyaml >/dev/null 2>&1 \
      || { echo "error: could not install PyYAML (python3 -m pip install pyyaml)" >&2; exit 2; }
  fi
}

# Parses one JSON or YAML file (all documents); dashboards are linted by lint_dashboards.py.
validate_file() {
  python3 - "$1" <<'PY'
import json, sys, yaml
path = sys.argv[1]
with open(path) as f:
    if path.endswith(".json"):
        json.load(f)
    else:
        docs = [d for d in yaml.safe_load_all(f)]
        assert docs and docs[0] is not None, f"empty YAML: {path}"
PY
}

# Wraps every Prometheus expression of the dashboards into a rule file so promtool parses them.
check_dashboard_promql() {
  local tmp
  tmp="$(mktemp -d)"
  python3 - "$here/grafana/dashboards" "$tmp/dashboard-exprs.yml" <<'PY' || { rm -rf "$tmp"; return 1; }
import glob, json, os, re, sys, yaml
rules = []
for path in sorted(glob.glob(os.path.join(sys.argv[1], "*.json"))):
    for panel in json.load(open(path))["panels"]:
        if (panel.get("datasource") or {}).get("type") != "prometheus":
            continue
        for t in panel.get("targets", []):
            expr = t["expr"]
            for var, value in (("$__rate_interval", "5m"), ("$__range", "1h"), ("$__interval", "15s")):
                expr = expr.replace(var, value)
            expr = re.sub(r"\$\{?[A-Za-z_]\w*\}?", ".*", expr)
            rules.append({"record": f"dashboard:panel_{panel['id']}_{t['refId']}", "expr": expr})
yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}, open(sys.argv[2], "w"))
PY
  promtool check rules "$tmp/dashboard-exprs.yml"
  local rc=$?
  rm -rf "$tmp"
  return $rc
}

# The compose variant of prometheus.yml expects the rules beside it, as mounted in the container.
check_compose_config() {
  local cfg="$repo/deploy/compose/prometheus.yml"
  [ -f "$cfg" ] || return 0
  local tmp rc
  tmp="$(mktemp -d)"
  cp "$cfg" "$tmp/prometheus.yml" && cp -r "$here/rules" "$tmp/rules"
  promtool check config "$tmp/prometheus.yml"
  rc=$?
  rm -rf "$tmp"
  return $rc
}

# amtool comes with Debian's prometheus-alertmanager (scripts/ensure-deps.sh installs it).
check_alertmanager() {
  if ! command -v amtool >/dev/null 2>&1; then
    echo "amtool not found; run scripts/ensure-deps.sh (apt-get install prometheus-alertmanager)"
    return 1
  fi
  amtool check-config "$here/alertmanager.yml" "$repo/deploy/compose/alertmanager.yml"
}

ensure_tools

check "promtool check config monitoring/prometheus.yml" promtool check config monitoring/prometheus.yml
for f in monitoring/rules/*.yml; do
  check "promtool check rules $f" promtool check rules "$f"
done
for f in monitoring/tests/*.yml; do
  check "promtool test rules $f" promtool test rules "$f"
done
check "dashboard PromQL parses" check_dashboard_promql
check "dashboard lint (ids, datasources, variables, LogQL labels)" \
  python3 "$here/lint_dashboards.py" "$here/grafana/dashboards" "$here/grafana/provisioning/datasources/datasources.yml"
check "amtool check-config monitoring/alertmanager.yml deploy/compose/alertmanager.yml" check_alertmanager
check "promtool check config deploy/compose/prometheus.yml" check_compose_config

while IFS= read -r f; do
  check "parse ${f#"$repo"/}" validate_file "$f"
done < <(find "$here" -type f \( -name '*.json' -o -name '*.yml' -o -name '*.yaml' \) | sort)

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
