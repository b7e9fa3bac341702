#!/usr/bin/env python3
# Lints the Grafana dashboards of monitoring/grafana/dashboards (run by monitoring/check.sh).
# Checks: valid JSON with uid/title; the five dashboards of features.md §6 exist; unique panel
# ids (rows included); every datasource uid is provisioned; every $variable used is defined (or
# a Grafana built-in); PromQL matchers on a variable use =~ (so "All" = .* works); LogQL stream
# selectors use only the labels {service, env, level} (job_id/trace_id are structured metadata)
# and parse at a basic level (balanced braces, quotes, a selector first); no pie-chart panel;
# "cg_always_populated" only on Prometheus panels. It never changes a file.
# Usage: lint_dashboards.py <dashboards dir> <datasources.yml>; prints one line per problem.
import glob
import json
import os
import re
import sys

import yaml

REQUIRED = {"cg-demo", "cg-jobs", "cg-logs", "cg-minimal", "cg-events"}
BUILTINS = {"__rate_interval", "__interval", "__interval_ms", "__range", "__range_s", "__auto",
            "__from", "__to", "__value", "__data", "__field", "__series", "__all", "__dashboard",
            "__user", "__org", "__timeFilter", "timeFilter"}
LOKI_LABELS = {"service", "env", "level"}
VAR_RE = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:[.:][^}]*)?\}|([A-Za-z_][A-Za-z0-9_]*))")
MATCHER_RE = re.compile(r'([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"')


def panels_of(doc):
    for panel in doc.get("panels", []):
        yield panel
        yield from panel.get("panels", [])


def strings_in(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings_in(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings_in(v)


def balanced(expr):
    depth = {"(": 0, "{": 0, "[": 0}
    pairs = {")": "(", "}": "{", "]": "["}
    in_quote = False
    escaped = False
    for ch in expr:
        if in_quote:
            escaped = (ch == "\\" and not escaped)
            if ch == '"' and not escaped:
                in_quote = False
            continue
        if ch == '"':
            in_quote = True
        elif ch in depth:
            depth[ch] += 1
        elif ch in pairs:
            depth[pairs[ch]] -= 1
            if depth[pairs[ch]] < 0:
                return False
    return not in_quote and all(v == 0 for v in depth.values())


def check_logql(expr, where, problems):
    expr = VAR_RE.sub("VAR", expr)
    if not balanced(expr):
        problems.append(f"{where}: unbalanced LogQL: {expr}")
        return
    selectors = re.findall(r"\{([^{}]*)\}", expr)
    if not selectors:
        problems.append(f"{where}: LogQL without a stream selector: {expr}")
    for selector in selectors:
        matchers = MATCHER_RE.findall(selector)
        if not matchers or MATCHER_RE.sub("", selector).replace(",", "").strip():
            problems.append(f"{where}: stream selector does not parse: {{{selector}}}")
        for label, _, _ in matchers:
            if label not in LOKI_LABELS:
                problems.append(f"{where}: Loki label {label} is not one of {sorted(LOKI_LABELS)}")
    if re.match(r"^\s*(sum|count|rate|avg|max|min|topk)\b|^\s*\{", expr) is None:
        problems.append(f"{where}: LogQL must start with a selector or an aggregation: {expr}")


def check_promql_vars(expr, where, problems):
    for label, op, value in MATCHER_RE.findall(expr):
        if "$" in value and op not in ("=~", "!~"):
            problems.append(f"{where}: {label}{op}\"{value}\" uses a variable without =~")


def lint(dashboards_dir, datasources_file):
    problems = []
    provisioned = {d["uid"] for d in yaml.safe_load(open(datasources_file))["datasources"]}
    seen_uids = set()
    for path in sorted(glob.glob(os.path.join(dashboards_dir, "*.json"))):
        name = os.path.basename(path)
        try:
            doc = json.load(open(path))
        except ValueError as error:
            problems.append(f"{name}: invalid JSON: {error}")
            continue
        if not doc.get("uid") or not doc.get("title"):
            problems.append(f"{name}: dashboard without uid or title")
        seen_uids.add(doc.get("uid"))
        defined = {v["name"] for v in doc.get("templating", {}).get("list", [])}
        ids = [p.get("id") for p in panels_of(doc)]
        if None in ids or len(ids) != len(set(ids)):
            problems.append(f"{name}: panel ids missing or not unique: {ids}")
        for text in strings_in(doc):
            for braced, bare in VAR_RE.findall(text):
                var = braced or bare
                if var not in defined and var not in BUILTINS:
                    problems.append(f"{name}: ${var} is used but not defined")
        for panel in panels_of(doc):
            where = f"{name} panel {panel.get('id')} ({panel.get('title')})"
            if "pie" in panel.get("type", ""):
                problems.append(f"{where}: pie-chart panels are not used")
            sources = [panel.get("datasource")] + [t.get("datasource") for t in panel.get("targets", [])]
            for source in filter(None, sources):
                if source.get("uid") not in provisioned:
                    problems.append(f"{where}: datasource uid {source.get('uid')} is not provisioned")
            kind = (panel.get("datasource") or {}).get("type")
            if panel.get("cg_always_populated") and kind != "prometheus":
                problems.append(f"{where}: only Prometheus panels can be marked cg_always_populated")
            for target in panel.get("targets", []):
                expr = target.get("expr", "")
                if kind == "loki":
                    check_logql(expr, where, problems)
                elif kind == "prometheus":
                    check_promql_vars(expr, where, problems)
    for missing in sorted(REQUIRED - seen_uids):
        problems.append(f"dashboard {missing} (features.md §6) is missing")
    return problems


if __name__ == "__main__":
    found = lint(sys.argv[1], sys.argv[2])
    for problem in found:
        print(problem)
    sys.exit(1 if found else 0)
