// In-memory stand-in for query-api: serves web/dist and a fake API (catalog, droplets, clusters with pools and nodes, their
// telemetry (metrics, health, demand), autoscaling policies (no autoscaler behind them) and diagnoses, operations,
// jobs with a 4-worker pool, queues, rate limits with RateLimit headers, observability), to try the SPA and smoke.mjs without the
// Rust stack. Nodes come up 1-3 s after they are asked for; a reconcile tick drives it all.
// Usage: node e2e/mock-api.mjs [port]   (token "dev"); not used by CI against the real services.
import { createServer } from "node:http";
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { extname, join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const DIST = join(dirname(fileURLToPath(import.meta.url)), "..", "dist");
const PORT = Number(process.argv[2] ?? 8091);
const TYPES = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png" };
const NAME_RE = /^[a-zA-Z0-9]([a-zA-Z0-9.-]*[a-zA-Z0-9])?$/;

// ---- catalog -------------------------------------------------------------------------------------------------------
const REGIONS = [
  ["nyc1", "New York 1"], ["sfo3", "San Francisco 3"], ["ams3", "Amsterdam 3"],
  ["fra1", "Frankfurt 1"], ["lon1", "London 1"], ["sgp1", "Singapore 1"],
];
const CPU_REGIONS = ["nyc1", "sfo3", "fra1"];
const SIZES = [
  ["s-1vcpu-1gb", 1, 1024, 25, 1, 6], ["s-1vcpu-2gb", 1, 2048, 50, 2, 12], ["s-2vcpu-2gb", 2, 2048, 60, 3, 18],
  ["s-2vcpu-4gb", 2, 4096, 80, 4, 24], ["s-4vcpu-8gb", 4, 8192, 160, 5, 48], ["c-8vcpu-16gb", 8, 16384, 100, 6, 168],
].map(([slug, vcpus, memory_mb, disk_gb, transfer, monthly]) => ({
  slug, vcpus, memory_mb, disk_gb, transfer, price_monthly: monthly.toFixed(2), price_hourly: (monthly / 672).toFixed(6),
  currency: "USD", regions: REGIONS.map(([r]) => r).filter((r) => !slug.startsWith("c-") || CPU_REGIONS.includes(r)),
  available: true, description: slug.startsWith("c-") ? "CPU-Optimized" : "Basic",
}));
const IMAGES = [
  ["ubuntu-24-04-x64", "Ubuntu", "24.04 (LTS) x64"], ["ubuntu-22-04-x64", "Ubuntu", "22.04 (LTS) x64"],
  ["debian-12-x64", "Debian", "12 x64"], ["fedora-40-x64", "Fedora", "40 x64"],
].map(([slug, distribution, name]) => ({ slug, distribution, name }));
const sizeOf = (slug) => SIZES.find((s) => s.slug === slug);

// ---- state ---------------------------------------------------------------------------------------------------------
const droplets = new Map();
const clusters = new Map();
const operations = new Map();
const events = [];
let offset = 0;
const now = () => new Date().toISOString();
const later = (min, max) => Date.now() + min + Math.random() * (max - min);

function send(res, status, body, headers = {}) {
  const type = status >= 400 ? "application/problem+json" : "application/json";
  res.writeHead(status, { "Content-Type": type, ...res.rateHeaders, ...headers });
  res.end(body === undefined ? "" : JSON.stringify(body));
}

function problem(res, status, code, detail, errors, headers = {}) {
  send(res, status, { type: "about:blank", title: code, status, detail, code, request_id: randomUUID(), ...(errors ? { errors } : {}) }, headers);
}

async function readBody(req) {
  let raw = "";
  for await (const chunk of req) raw += chunk;
  return raw ? JSON.parse(raw) : {};
}

const accepted = () => ({ "Consistency-Token": `0:${++offset}` });
const opLocation = (op) => ({ "Operation-Location": `/api/v1/operations/${op.id}` });

function matches(obj, filter) {
  for (const [, field, value] of filter.matchAll(/([\w.]+)="([^"]*)"/g)) {
    const actual = String(field.split(".").reduce((o, k) => o?.[k], obj) ?? "");
    if (value.endsWith("*") ? !actual.startsWith(value.slice(0, -1)) : actual !== value) return false;
  }
  return true;
}

function wildcard(actual, pattern) {
  const re = new RegExp(`^${pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`, "i");
  return re.test(actual);
}

function page(res, plural, all, url) {
  const size = Math.min(Number(url.searchParams.get("page_size")) || 20, 200);
  const start = Number(url.searchParams.get("page_token") ?? 0) || 0;
  const items = all.slice(start, start + size);
  const next = start + size < all.length ? String(start + size) : undefined;
  send(res, 200, { [plural]: items, meta: { total: all.length }, links: {}, ...(next ? { next_page_token: next } : {}) });
}

function event(clusterId, type, subject, message, operationId) {
  events.push({ kind: "cluster_event", id: randomUUID(), cluster_id: clusterId, type, subject, message, operation_id: operationId ?? null, occurred_at: now() });
}

function startOperation(type, target, finish) {
  const op = {
    kind: "operation", id: randomUUID(), version: 1, type, target, status: "running", done: false, cancel_requested: false,
    progress: { percent: 0, step: "accepted", message: "accepted", steps_total: 2, steps_done: 0 },
    requested_by: "dev", created_at: now(), started_at: now(), completed_at: null, finish,
  };
  operations.set(op.id, op);
  return op;
}

function endOperation(op, status, error) {
  Object.assign(op, { status, done: true, completed_at: now(), version: op.version + 1 });
  op.progress = { ...op.progress, percent: status === "succeeded" ? 100 : op.progress.percent, step: status, message: status, steps_done: op.progress.steps_total };
  if (status === "succeeded") op.result = op.resultOnSuccess ?? { ...op.target };
  if (error) op.error = { type: "about:blank", title: "The operation failed", status: 500, code: "INTERNAL", detail: error };
  const owner = op.target.kind === "cluster" ? clusters.get(op.target.id) : droplets.get(op.target.id);
  if (owner && owner.pending_operation_id === op.id) {
    owner.pending_operation_id = null;
    if (owner.kind === "droplet") owner.locked = false;
  }
}

const publicOp = ({ finish: _finish, ...op }) => op;
const publicDroplet = ({ readyAt: _readyAt, goneAt: _goneAt, ...d }) => d;

// ---- droplets ------------------------------------------------------------------------------------------------------
function newDroplet({ name, region, size, image, tags, cluster_id = null, node_pool_id = null }) {
  const s = sizeOf(size) ?? SIZES[0];
  const d = {
    kind: "droplet", id: randomUUID(), version: 1, name, region, size_slug: s.slug, image, status: "new", locked: true,
    vcpus: s.vcpus, memory_mb: s.memory_mb, disk_gb: s.disk_gb, networks: { v4: [] }, tags: tags ?? [], cluster_id, node_pool_id,
    pending_operation_id: null, created_at: now(), updated_at: now(), readyAt: cluster_id ? later(1000, 3000) : later(3000, 4500),
  };
  droplets.set(d.id, d);
  return d;
}

function touch(obj) {
  obj.version += 1;
  obj.updated_at = now();
}

async function dropletRoutes(req, res, url, parts) {
  if (req.method === "GET" && parts.length === 1) {
    const tag = url.searchParams.get("tag_name");
    const all = [...droplets.values()]
      .filter((d) => d.status !== "deleted" && matches(d, url.searchParams.get("filter") ?? "") && (!tag || d.tags.includes(tag)))
      .reverse()
      .map(publicDroplet);
    return page(res, "droplets", all, url);
  }
  if (req.method === "POST" && parts.length === 1) {
    const b = await readBody(req);
    const errors = [];
    if (!NAME_RE.test(b.name ?? "")) errors.push({ pointer: "#/name", code: "INVALID_NAME", detail: "names may contain letters, digits, '.' and '-'" });
    if (!sizeOf(b.size)?.regions.includes(b.region)) errors.push({ pointer: "#/size", code: "UNKNOWN_SIZE", detail: `size ${b.size} is not offered in ${b.region}` });
    if (errors.length) return problem(res, 422, "VALIDATION_FAILED", `${errors.length} field(s) are invalid.`, errors);
    const d = newDroplet(b);
    const op = startOperation("droplet.create", { kind: "droplet", id: d.id }, () => d.status === "active");
    d.pending_operation_id = op.id;
    return send(res, 202, { droplet: publicDroplet(d), operation: publicOp(op) }, { ...accepted(), ...opLocation(op), ETag: `"${d.version}"`, Location: `/api/v1/droplets/${d.id}` });
  }
  const d = droplets.get(parts[1]);
  if (!d) return problem(res, 404, "NOT_FOUND", "droplet not found");
  if (req.method === "GET" && parts[2] === "operations") {
    return page(res, "operations", [...operations.values()].filter((o) => o.target.id === d.id).reverse().map(publicOp), url);
  }
  if (req.method === "GET") return send(res, 200, publicDroplet(d), { ETag: `"${d.version}"` });
  if (req.headers["if-match"] && req.headers["if-match"] !== `"${d.version}"`) return problem(res, 412, "PRECONDITION_FAILED", `version is ${d.version}`);
  if (req.method === "PATCH") {
    if (!/^application\/(merge-patch\+)?json/.test(req.headers["content-type"] ?? "")) return problem(res, 415, "UNSUPPORTED_MEDIA_TYPE", "send application/merge-patch+json");
    const b = await readBody(req);
    if (b.name !== undefined && !NAME_RE.test(b.name)) return problem(res, 422, "VALIDATION_FAILED", "1 field is invalid.", [{ pointer: "#/name", code: "INVALID_NAME", detail: "invalid name" }]);
    if (b.name !== undefined) d.name = b.name;
    if (Array.isArray(b.tags)) d.tags = b.tags;
    touch(d);
    return send(res, 200, publicDroplet(d), { ...accepted(), ETag: `"${d.version}"` });
  }
  if (d.locked) return problem(res, 409, "RESOURCE_LOCKED", "an operation is in progress", undefined, { "Retry-After": "1" });
  if (req.method === "DELETE") {
    if (d.cluster_id) return problem(res, 409, "FAILED_PRECONDITION", "this droplet is a node; remove it from its node pool instead");
    d.status = "deleting";
    d.locked = true;
    d.goneAt = later(1500, 2500);
    const op = startOperation("droplet.delete", { kind: "droplet", id: d.id }, () => d.status === "deleted");
    d.pending_operation_id = op.id;
    touch(d);
    return send(res, 202, { operation: publicOp(op) }, { ...accepted(), ...opLocation(op), ETag: `"${d.version}"` });
  }
  const b = await readBody(req);
  const allowed = d.status === "active" ? ["power_off", "shutdown", "reboot", "power_cycle", "rename", "rebuild", "snapshot"] : d.status === "off" ? ["power_on", "resize"] : [];
  if (!allowed.includes(b.type)) {
    const hint = b.type === "resize" ? " (power off first)" : "";
    return problem(res, 409, "INVALID_STATE_TRANSITION", `${b.type} is not allowed while ${d.status}${hint}`);
  }
  if (b.type === "power_off" || b.type === "shutdown") d.status = "off";
  if (b.type === "power_on") d.status = "active";
  if (b.type === "rename") d.name = b.name;
  if (b.type === "rebuild") d.image = b.image;
  if (b.type === "resize") {
    const s = sizeOf(b.size);
    if (!s?.regions.includes(d.region)) return problem(res, 422, "VALIDATION_FAILED", "1 field is invalid.", [{ pointer: "#/size", code: "UNKNOWN_SIZE", detail: `size ${b.size} is not offered in ${d.region}` }]);
    Object.assign(d, { size_slug: s.slug, vcpus: s.vcpus, memory_mb: s.memory_mb, disk_gb: s.disk_gb });
  }
  const until = Date.now() + 1200;
  const op = startOperation(`droplet.${b.type}`, { kind: "droplet", id: d.id }, () => Date.now() > until);
  d.pending_operation_id = op.id;
  d.locked = true;
  touch(d);
  return send(res, 202, { operation: publicOp(op) }, { ...accepted(), ...opLocation(op), ETag: `"${d.version}"` });
}

// ---- telemetry -----------------------------------------------------------------------------------------------------
// Samples are a pure function of (node, type, time, the cluster's demand), computed on read every 15 s of the last
// 15 minutes: enough for the charts to move. The real stack has a seeded simulator behind a Kafka topic instead.
const SAMPLE_STEP_MS = 15_000;
const METRIC_UNITS = { cpu: "%", memory: "%", disk: "%", network: "Mbps" };
const HEALTH_RULES = [["cpu", 80, "warning"], ["memory", 85, "critical"], ["disk", 90, "critical"]];

function sampleValue(c, node, index, type, t) {
  const { level, profile } = c.demand ?? { level: 40, profile: "calm" };
  const wave = Math.sin(t / 60_000 + index) * 5;
  const shape = { calm: 1, spike: Math.floor(t / 180_000) % 2 ? 1.6 : 0.8, leak: 1, flapping: Math.floor(t / 30_000) % 2 ? 1.5 : 0.6 }[profile];
  const leak = profile === "leak" ? ((t / 1000) % 900) / 10 : 0;
  const base = { cpu: level * 0.9 * shape, memory: 30 + level * 0.4 + leak, disk: 10 + index * 3, network: level * 2 * shape }[type];
  return Math.round(Math.max(0, type === "network" ? base + wave : Math.min(100, base + wave)) * 10) / 10;
}

function samplesOf(c, type, sinceMs) {
  const nodes = c.node_pools.flatMap((p) => liveNodes(p)).filter((d) => d.status === "active");
  const out = [];
  const last = Math.floor(Date.now() / SAMPLE_STEP_MS) * SAMPLE_STEP_MS;
  for (let t = last; t > Math.max(sinceMs, Date.now() - 15 * 60_000); t -= SAMPLE_STEP_MS) {
    nodes.forEach((d, i) => {
      out.push({ kind: "metric_sample", id: `${d.id}-${type}-${t}`, cluster_id: c.id, node_id: d.id, type, value: sampleValue(c, d, i, type, t), unit: METRIC_UNITS[type], sampled_at: new Date(t).toISOString(), source: "simulator" });
    });
  }
  return out;
}

async function telemetryRoutes(req, res, url, what, c) {
  if (what === "metrics" && req.method === "GET") {
    const type = url.searchParams.get("type");
    if (type && !METRIC_UNITS[type]) return problem(res, 400, "INVALID_ARGUMENT", `type "${type}" is not one of cpu, memory, disk, network`);
    const since = Date.parse(url.searchParams.get("since") ?? "") || 0;
    return page(res, "metrics", (type ? [type] : Object.keys(METRIC_UNITS)).flatMap((t) => samplesOf(c, t, since)), url);
  }
  if (what === "health" && req.method === "GET") {
    const issues = HEALTH_RULES.flatMap(([type, threshold, severity]) =>
      samplesOf(c, type, Date.now() - SAMPLE_STEP_MS)
        .filter((s) => s.value > threshold)
        .map((s) => ({ node_id: s.node_id, metric: type, value: s.value, threshold, unit: "%", severity, sampled_at: s.sampled_at, message: `${type} at ${s.value}% is over ${threshold}% on node ${s.node_id}` })),
    ).sort((a, b) => (a.severity === b.severity ? 0 : a.severity === "critical" ? -1 : 1));
    const status = issues[0]?.severity ?? "healthy";
    return send(res, 200, { kind: "cluster_health", cluster_id: c.id, status, issues, evaluated_at: now(), window: "PT300S", window_seconds: 300 });
  }
  if (what === "demand" && req.method === "PUT") {
    if (req.headers["if-match"] && req.headers["if-match"] !== `"${c.version}"`) return problem(res, 412, "PRECONDITION_FAILED", `version is ${c.version}`);
    const b = await readBody(req);
    const errors = [];
    if (!Number.isInteger(b.level) || b.level < 0 || b.level > 100) errors.push({ pointer: "#/level", code: "OUT_OF_RANGE", detail: "level must be an integer from 0 to 100" });
    if (!["calm", "spike", "leak", "flapping"].includes(b.profile)) errors.push({ pointer: "#/profile", code: "UNKNOWN_PROFILE", detail: "profile must be calm, spike, leak or flapping" });
    if (errors.length) return problem(res, 422, "VALIDATION_FAILED", `${errors.length} field(s) are invalid.`, errors);
    c.demand = { level: b.level, profile: b.profile };
    touch(c);
    return send(res, 200, publicCluster(c), { ...accepted(), ETag: `"${c.version}"` });
  }
  return problem(res, 405, "METHOD_NOT_ALLOWED", "method not allowed");
}

// ---- autoscaling policies and diagnoses ----------------------------------------------------------------------------
// Enough to drive their tabs: CRUD with If-Match and 422 pointers, a dry run from the mean cpu, and diagnoses whose
// insights are the health issues. The mock never scales by itself, so events and decisions stay empty.
const policies = new Map();
const diagnoses = [];

function policyErrors(b) {
  const errors = [];
  const int = (v) => Number.isInteger(v) && v >= 0;
  if (!int(b.min_nodes)) errors.push({ pointer: "#/min_nodes", code: "INVALID_VALUE", detail: "min_nodes must be a whole number ≥ 0" });
  if (!int(b.max_nodes) || b.max_nodes < 1 || b.max_nodes > 100) errors.push({ pointer: "#/max_nodes", code: "OUT_OF_RANGE", detail: "max_nodes must be from 1 to 100" });
  else if (int(b.min_nodes) && b.min_nodes > b.max_nodes) errors.push({ pointer: "#/max_nodes", code: "OUT_OF_RANGE", detail: "max_nodes must be at least min_nodes" });
  (b.metrics ?? []).forEach((m, i) => {
    if (!(m.target > 0) || (m.type.endsWith("utilization") && m.target > 1)) errors.push({ pointer: `#/metrics/${i}/target`, code: "OUT_OF_RANGE", detail: "a utilization target is a fraction in (0, 1]" });
  });
  if (b.cost_limit_monthly !== null && b.cost_limit_monthly !== undefined && !/^\d+(\.\d{1,2})?$/.test(b.cost_limit_monthly)) errors.push({ pointer: "#/cost_limit_monthly", code: "INVALID_MONEY", detail: "a decimal string such as \"100.00\"" });
  return errors;
}

async function policyRoutes(req, res, url, parts) {
  const [id, verb] = (parts[1] ?? "").split(":");
  if (parts.length === 1 && req.method === "GET") {
    const cluster = /target\.cluster_id="([^"]*)"/.exec(url.searchParams.get("filter") ?? "")?.[1];
    return page(res, "autoscaling_policies", [...policies.values()].filter((p) => !cluster || p.target.cluster_id === cluster), url);
  }
  if (parts.length === 1 && req.method === "POST") {
    const b = await readBody(req);
    const c = clusters.get(b.target?.cluster_id);
    const pool = c?.node_pools.find((p) => p.id === b.target?.node_pool_id);
    if (!pool) return problem(res, 422, "VALIDATION_FAILED", "1 field is invalid.", [{ pointer: "#/target", code: "UNKNOWN_NODE_POOL", detail: "no such node pool" }]);
    if ([...policies.values()].some((p) => p.target.node_pool_id === pool.id)) return problem(res, 409, "ALREADY_EXISTS", "the pool has a policy");
    const errors = policyErrors(b);
    if (errors.length) return problem(res, 422, "VALIDATION_FAILED", `${errors.length} field(s) are invalid.`, errors);
    const p = { kind: "autoscaling_policy", id: randomUUID(), version: 1, ...b, status: { current_nodes: pool.count, desired_nodes: pool.count, last_evaluated_at: null, last_scale_at: null, conditions: [{ type: "AbleToScale", status: "True", reason: "ReadyForNewScale" }] }, created_at: now(), updated_at: now() };
    policies.set(p.id, p);
    Object.assign(pool, { auto_scale: true, min_nodes: b.min_nodes, max_nodes: b.max_nodes });
    touch(c);
    return send(res, 201, p, { ...accepted(), ETag: `"${p.version}"`, Location: `/api/v1/autoscaling_policies/${p.id}` });
  }
  const p = policies.get(id);
  if (!p) return problem(res, 404, "NOT_FOUND", "policy not found");
  const c = clusters.get(p.target.cluster_id);
  const pool = c?.node_pools.find((x) => x.id === p.target.node_pool_id);
  if (req.headers["if-match"] && req.headers["if-match"] !== `"${p.version}"` && req.method !== "GET") return problem(res, 412, "PRECONDITION_FAILED", `version is ${p.version}`);
  if (parts.length === 2 && !verb && req.method === "GET") return send(res, 200, p, { ETag: `"${p.version}"` });
  if (parts.length === 2 && !verb && req.method === "PATCH") {
    const b = await readBody(req);
    const next = { ...p, ...b };
    const errors = policyErrors(next);
    if (errors.length) return problem(res, 422, "VALIDATION_FAILED", `${errors.length} field(s) are invalid.`, errors);
    Object.assign(p, b, { version: p.version + 1, updated_at: now() });
    if (pool) Object.assign(pool, { min_nodes: p.min_nodes, max_nodes: p.max_nodes });
    return send(res, 200, p, { ...accepted(), ETag: `"${p.version}"` });
  }
  if (parts.length === 2 && !verb && req.method === "DELETE") {
    policies.delete(p.id);
    if (pool) pool.auto_scale = false;
    if (c) touch(c);
    res.writeHead(204, { ...res.rateHeaders, ...accepted() });
    return res.end();
  }
  if (req.method === "POST" && verb === "evaluate") {
    const nodes = pool ? liveNodes(pool).filter((d) => d.status === "active") : [];
    const t = Math.floor(Date.now() / SAMPLE_STEP_MS) * SAMPLE_STEP_MS;
    const target = p.metrics?.[0]?.target ?? 0.6;
    const mean = nodes.length ? nodes.reduce((n, d, i) => n + sampleValue(c, d, i, "cpu", t), 0) / nodes.length / 100 : 0;
    const ratio = mean / target;
    const raw = Math.abs(ratio - 1) <= 0.1 ? nodes.length : Math.ceil(nodes.length * ratio);
    const clamped = Math.min(p.max_nodes, Math.max(p.min_nodes, raw));
    const action = clamped === pool.count ? "hold" : clamped > pool.count ? "scale_up" : "scale_down";
    const reason = `cpu_utilization ${ratio.toFixed(2)}× target → ${raw}; raw ${raw}, clamped ${clamped}, stabilized ${clamped}, limited ${clamped}; ${action === "hold" ? `no change at ${pool.count}` : `scale ${pool.count} → ${clamped} (${action.toUpperCase()})`}`;
    const metrics = [{ type: "cpu_utilization", target, ratio, adjusted_ratio: null, nodes_without_sample: 0, proposal: raw }];
    return send(res, 200, {
      decision: { policy_id: p.id, evaluated_at: now(), current_count: pool.count, capacity: nodes.length, metrics, min_nodes: p.min_nodes, max_nodes: p.max_nodes, raw, clamped, stabilized: clamped, limited: clamped, final: clamped, desired: clamped, gate: null, notes: [], action, reason },
      would_record: action !== "hold",
      conditions: [{ type: "AbleToScale", status: "True", reason: "ReadyForNewScale" }],
    });
  }
  if (req.method === "GET" && parts[2] === "events") return page(res, "events", [], url);
  if (req.method === "GET" && parts[2] === "decisions") return page(res, "decisions", [], url);
  return problem(res, 404, "NOT_FOUND", "no such route");
}

function insightsOf(c) {
  const t = Math.floor(Date.now() / SAMPLE_STEP_MS) * SAMPLE_STEP_MS;
  const out = [];
  for (const pool of c.node_pools) {
    const nodes = liveNodes(pool).filter((d) => d.status === "active");
    if (!nodes.length) continue;
    const mean = nodes.reduce((n, d, i) => n + sampleValue(c, d, i, "cpu", t), 0) / nodes.length / 100;
    if (mean <= 0.8) continue;
    const count = Math.min(100, pool.count + 1);
    out.push({
      check: "pool_cpu_saturation", category: "capacity", severity: "warning", title: `CPU saturation on pool ${pool.name}`,
      message: `Mean CPU use on pool ${pool.name} is ${Math.round(mean * 100)} % (threshold 80 %).`,
      evidence: { metric: "cpu", value: Math.round(mean * 1000) / 10, threshold: 80, window: "10m" },
      object: { kind: "node_pool", id: pool.id, name: pool.name },
      recommendation: {
        action: "scale_node_pool",
        request_hint: { method: "PATCH", path: `/api/v1/clusters/${c.id}/node_pools/${pool.id}`, body: { count } },
        job_request: { type: "scale", args: { cluster_id: c.id, node_pool_id: pool.id, count } },
      },
    });
  }
  return out.length ? out : [{ check: "looks_good", category: "general", severity: "suggestion", title: "Configuration looks good", message: "No rule matched.", evidence: null, object: { kind: "cluster", id: c.id, name: c.name }, recommendation: { action: "none", request_hint: null, job_request: null } }];
}

async function diagnosisRoutes(req, res, url, parts, c) {
  if (parts.length === 3 && req.method === "GET") return page(res, "diagnoses", diagnoses.filter((d) => d.cluster_id === c.id).reverse(), url);
  if (parts.length === 3 && req.method === "POST") {
    const insights = insightsOf(c);
    const counts = { error: 0, warning: 0, suggestion: 0 };
    for (const i of insights) counts[i.severity] += 1;
    const d = { kind: "diagnosis", id: randomUUID(), version: 1, cluster_id: c.id, status: "succeeded", source: "rules", operation_id: null, job_id: null, requested_by: "dev", requested_at: now(), completed_at: now(), counts, insights };
    const at = Date.now() + 1500;
    const op = startOperation("cluster.diagnose", { kind: "cluster", id: c.id }, () => {
      if (Date.now() < at) return false;
      Object.assign(d, { operation_id: op.id, completed_at: now() });
      diagnoses.push(d);
      return true;
    });
    op.resultOnSuccess = { diagnosis_id: d.id };
    return send(res, 202, { operation: publicOp(op) }, { ...accepted(), ...opLocation(op) });
  }
  const d = diagnoses.find((x) => x.id === parts[3] && x.cluster_id === c.id);
  if (parts.length === 4 && req.method === "GET" && d) return send(res, 200, d);
  return problem(res, 404, "NOT_FOUND", "diagnosis not found");
}

// ---- clusters ------------------------------------------------------------------------------------------------------
const liveNodes = (pool) => [...droplets.values()].filter((d) => d.node_pool_id === pool.id && d.status !== "deleted" && d.status !== "deleting");
const nodeState = (d) => ({ new: "provisioning", active: "running", off: "running", deleting: "deleting", error: "failed" })[d.status] ?? "deleted";

function toNode(d) {
  return { kind: "node", id: d.id, name: d.name, droplet_id: d.id, node_pool_id: d.node_pool_id, status: { state: nodeState(d) }, ready_at: d.ready_at ?? null, created_at: d.created_at, updated_at: d.updated_at };
}

function poolWithNodes(c, p) {
  const nodes = [...droplets.values()].filter((d) => d.node_pool_id === p.id && d.status !== "deleted");
  return { ...p, cluster_id: c.id, nodes: nodes.map(toNode), node_counts: { total: nodes.length, running: nodes.filter((d) => d.status === "active").length, desired: p.count } };
}

function poolErrors(pool, prefix, region) {
  const errors = [];
  if (!pool || typeof pool !== "object") return [{ pointer: prefix, code: "INVALID_TYPE", detail: "a node pool is an object" }];
  if (!NAME_RE.test(pool.name ?? "")) errors.push({ pointer: `${prefix}/name`, code: "INVALID_NAME", detail: "names may contain letters, digits, '.' and '-'" });
  if (!sizeOf(pool.size)?.regions.includes(region)) errors.push({ pointer: `${prefix}/size`, code: "UNKNOWN_SIZE", detail: `size ${pool.size} is not offered in ${region}` });
  if (!Number.isInteger(pool.count) || pool.count < 1 || pool.count > 100) errors.push({ pointer: `${prefix}/count`, code: "OUT_OF_RANGE", detail: "count must be between 1 and 100" });
  return errors;
}

function newPool(p) {
  return { kind: "node_pool", id: randomUUID(), name: p.name, size: p.size, count: p.count, auto_scale: false, min_nodes: 1, max_nodes: 100, labels: {}, taints: [], tags: [], status: "scaling" };
}

const publicCluster = ({ everRunning: _everRunning, ...c }) => c;

async function clusterRoutes(req, res, url, parts) {
  if (req.method === "GET" && parts.length === 1) {
    const status = url.searchParams.get("status");
    const name = url.searchParams.get("name");
    const all = [...clusters.values()]
      .filter((c) => (status ? c.status.state === status : c.status.state !== "deleted") && (!name || wildcard(c.name, name)))
      .reverse()
      .map(publicCluster);
    return page(res, "clusters", all, url);
  }
  if (req.method === "POST" && parts.length === 1) {
    const b = await readBody(req);
    const errors = [];
    if (!NAME_RE.test(b.name ?? "")) errors.push({ pointer: "#/name", code: "INVALID_NAME", detail: "names may contain letters, digits, '.' and '-'" });
    else if ([...clusters.values()].some((c) => c.name === b.name && c.status.state !== "deleted")) return problem(res, 409, "ALREADY_EXISTS", `a cluster named ${b.name} exists`);
    if (!REGIONS.some(([r]) => r === b.region)) errors.push({ pointer: "#/region", code: "UNKNOWN_REGION", detail: `region ${b.region} does not exist` });
    if (!Array.isArray(b.node_pools) || b.node_pools.length < 1 || b.node_pools.length > 10) errors.push({ pointer: "#/node_pools", code: "INVALID_NODE_POOLS", detail: "node_pools must be an array of 1 to 10 pools" });
    else b.node_pools.forEach((p, i) => errors.push(...poolErrors(p, `#/node_pools/${i}`, b.region)));
    if (errors.length) return problem(res, 422, "VALIDATION_FAILED", `${errors.length} field(s) are invalid.`, errors);
    const c = {
      kind: "cluster", id: randomUUID(), version: 1, name: b.name, region: b.region, kube_version: "1.31.1-do.0",
      status: { state: "provisioning", message: "creating nodes" }, node_pools: b.node_pools.map(newPool), tags: b.tags ?? [],
      pending_operation_id: null, created_at: now(), updated_at: now(), everRunning: false,
    };
    clusters.set(c.id, c);
    const op = startOperation("cluster.create", { kind: "cluster", id: c.id }, () => c.status.state === "running");
    c.pending_operation_id = op.id;
    event(c.id, "cluster.create_requested", { kind: "cluster", id: c.id }, `cluster ${c.name} requested with ${c.node_pools.length} pool(s)`, op.id);
    return send(res, 202, { cluster: publicCluster(c), operation: publicOp(op) }, { ...accepted(), ...opLocation(op), ETag: `"${c.version}"`, Location: `/api/v1/clusters/${c.id}` });
  }
  const c = clusters.get(parts[1]);
  if (!c) return problem(res, 404, "NOT_FOUND", "cluster not found");
  const frozen = c.status.state === "deleting" || c.status.state === "deleted";
  if (parts.length === 2) {
    if (req.method === "GET") return send(res, 200, publicCluster(c), { ETag: `"${c.version}"` });
    if (req.method === "PATCH") {
      if (req.headers["if-match"] && req.headers["if-match"] !== `"${c.version}"`) return problem(res, 412, "PRECONDITION_FAILED", `version is ${c.version}`);
      const b = await readBody(req);
      if (b.region !== undefined) return problem(res, 422, "VALIDATION_FAILED", "1 field is invalid.", [{ pointer: "#/region", code: "IMMUTABLE_FIELD", detail: "the region of a cluster cannot change" }]);
      if (b.name !== undefined && !NAME_RE.test(b.name)) return problem(res, 422, "VALIDATION_FAILED", "1 field is invalid.", [{ pointer: "#/name", code: "INVALID_NAME", detail: "invalid name" }]);
      if (b.name !== undefined) c.name = b.name;
      if (Array.isArray(b.tags)) c.tags = b.tags;
      touch(c);
      return send(res, 200, publicCluster(c), { ...accepted(), ETag: `"${c.version}"` });
    }
    if (req.method === "DELETE") {
      const ifMatch = req.headers["if-match"];
      if (!ifMatch) return problem(res, 428, "PRECONDITION_REQUIRED", "DELETE /clusters/{id} needs If-Match");
      if (ifMatch !== "*" && ifMatch !== `"${c.version}"`) return problem(res, 412, "PRECONDITION_FAILED", `version is ${c.version}`);
      if (frozen) return problem(res, 409, "INVALID_STATE_TRANSITION", `the cluster is ${c.status.state}`);
      c.status = { state: "deleting", message: "destroying nodes" };
      touch(c);
      const op = startOperation("cluster.delete", { kind: "cluster", id: c.id }, () => c.status.state === "deleted");
      c.pending_operation_id = op.id;
      event(c.id, "cluster.delete_requested", { kind: "cluster", id: c.id }, "deletion requested", op.id);
      return send(res, 202, { cluster: publicCluster(c), operation: publicOp(op) }, { ...accepted(), ...opLocation(op), ETag: `"${c.version}"` });
    }
  }
  if (parts[2] === "events" && req.method === "GET") {
    const list = events.filter((e) => e.cluster_id === c.id).map(({ cluster_id: _cluster, ...e }) => e);
    return page(res, "events", (url.searchParams.get("order_by") ?? "").includes("desc") ? list.reverse() : list, url);
  }
  if (["metrics", "health", "demand"].includes(parts[2]) && parts.length === 3) return telemetryRoutes(req, res, url, parts[2], c);
  if (parts[2] === "diagnoses") return diagnosisRoutes(req, res, url, parts, c);
  if (parts[2] !== "node_pools") return problem(res, 404, "NOT_FOUND", "no such route");
  if (parts.length === 3 && req.method === "GET") return page(res, "node_pools", c.node_pools.map((p) => poolWithNodes(c, p)), url);
  if (frozen && req.method !== "GET") return problem(res, 409, "INVALID_STATE_TRANSITION", `the cluster is ${c.status.state}`);
  if (parts.length === 3 && req.method === "POST") {
    const b = await readBody(req);
    const errors = poolErrors(b, "#", c.region);
    if (errors.length) return problem(res, 422, "VALIDATION_FAILED", `${errors.length} field(s) are invalid.`, errors);
    const pool = newPool(b);
    c.node_pools.push(pool);
    touch(c);
    const op = startOperation("node_pool.create", { kind: "cluster", id: c.id }, () => liveNodes(pool).filter((d) => d.status === "active").length === pool.count);
    event(c.id, "node_pool.added", { kind: "node_pool", id: pool.id }, `pool ${pool.name} added (${pool.count} nodes)`, op.id);
    return send(res, 202, { node_pool: poolWithNodes(c, pool), operation: publicOp(op) }, { ...accepted(), ...opLocation(op) });
  }
  const pool = c.node_pools.find((p) => p.id === parts[3]);
  if (!pool) return problem(res, 404, "NOT_FOUND", "node pool not found");
  if (parts.length === 4 && req.method === "GET") return send(res, 200, poolWithNodes(c, pool));
  if (parts.length === 4 && req.method === "PATCH") {
    const b = await readBody(req);
    if (!Number.isInteger(b.count) || b.count < 1 || b.count > 100) return problem(res, 422, "VALIDATION_FAILED", "1 field is invalid.", [{ pointer: "#/count", code: "OUT_OF_RANGE", detail: "count must be between 1 and 100" }]);
    pool.count = b.count;
    pool.status = "scaling";
    touch(c);
    const op = startOperation("node_pool.scale", { kind: "cluster", id: c.id }, () => pool.status === "active");
    event(c.id, "node_pool.scaled", { kind: "node_pool", id: pool.id }, `pool ${pool.name} scaled to ${pool.count}`, op.id);
    return send(res, 202, { node_pool: poolWithNodes(c, pool), operation: publicOp(op) }, { ...accepted(), ...opLocation(op) });
  }
  if (parts.length === 4 && req.method === "DELETE") {
    c.node_pools = c.node_pools.filter((p) => p !== pool);
    for (const d of liveNodes(pool)) Object.assign(d, { status: "deleting", goneAt: later(800, 1500) });
    touch(c);
    const op = startOperation("node_pool.delete", { kind: "cluster", id: c.id }, () => liveNodes(pool).length === 0);
    event(c.id, "node_pool.deleted", { kind: "node_pool", id: pool.id }, `pool ${pool.name} deleted`, op.id);
    return send(res, 202, { operation: publicOp(op) }, { ...accepted(), ...opLocation(op) });
  }
  if (parts[4] === "nodes" && parts.length === 6 && req.method === "DELETE") {
    const node = droplets.get(parts[5]);
    if (!node || node.node_pool_id !== pool.id || node.status === "deleted") return problem(res, 404, "NOT_FOUND", "node not found");
    Object.assign(node, { status: "deleting", goneAt: later(800, 1500) });
    const replace = url.searchParams.get("replace") === "true";
    if (!replace) pool.count = Math.max(1, pool.count - 1);
    touch(c);
    const op = startOperation(replace ? "node.replace" : "node.delete", { kind: "cluster", id: c.id }, () => node.status === "deleted" && pool.status === "active");
    event(c.id, replace ? "node.replacing" : "node.removing", { kind: "node", id: node.id }, `node ${node.name} ${replace ? "being replaced" : "being removed"}`, op.id);
    return send(res, 202, { operation: publicOp(op) }, { ...accepted(), ...opLocation(op) });
  }
  return problem(res, 405, "METHOD_NOT_ALLOWED", "method not allowed");
}

// ---- operations ----------------------------------------------------------------------------------------------------
function operationRoutes(req, res, url, parts) {
  if (req.method === "GET" && parts.length === 1) {
    const status = url.searchParams.get("status");
    const type = url.searchParams.get("type");
    const all = [...operations.values()]
      .filter((o) => (!status || o.status === status) && (!type || o.type === type) && matches(o, url.searchParams.get("filter") ?? ""))
      .reverse()
      .map(publicOp);
    return page(res, "operations", all, url);
  }
  const [id, verb] = parts[1].split(":");
  const op = operations.get(id);
  if (!op) return problem(res, 404, "NOT_FOUND", "operation not found");
  if (req.method === "GET") return send(res, 200, publicOp(op), { ETag: `"${op.version}"`, ...(op.done ? {} : { "Retry-After": "1" }) });
  if (req.method === "POST" && verb === "cancel") {
    if (op.done) return problem(res, 409, "FAILED_PRECONDITION", `operation is ${op.status}, not in progress`);
    op.cancel_requested = true;
    op.version += 1;
    return send(res, 200, { kind: "operation", id: op.id, cancel_requested: true, done: false, status: "running" }, { ...accepted(), ...opLocation(op) });
  }
  return problem(res, 405, "METHOD_NOT_ALLOWED", "method not allowed");
}

// ---- jobs, queues, workers -----------------------------------------------------------------------------------------
const JOB_TYPES = ["provision", "scale", "diagnose", "monitor", "sleep", "fail"];
const TERMINAL = ["succeeded", "failed", "dead", "cancelled"];
const WORKERS = 4;
const QUEUE_CAPACITY = 100;
const jobs = new Map();
const jobLogs = [];
const attempts = new Map();
const pausedQueues = new Set();
let logId = 0;
const workerSlots = Array.from({ length: WORKERS }, () => null);

function jobLog(job, message, level = "info") {
  jobLogs.push({ id: ++logId, service: "command-api", level, ts: now(), message, job_id: job.id, attempt: job.attempt || null, trace_id: null });
}

const publicJob = ({ startedAt: _s, duration: _d, ...j }) => j;

function jobErrors(b) {
  const errors = [];
  const at = (field, code, detail) => errors.push({ pointer: `#/${field}`, code, detail });
  if (!JOB_TYPES.includes(b.type)) at("type", "INVALID_JOB_TYPE", `type must be one of ${JOB_TYPES.join(", ")}`);
  const a = b.args ?? {};
  if (["provision", "scale", "diagnose", "monitor"].includes(b.type)) {
    const c = clusters.get(a.cluster_id);
    if (!c) at("args/cluster_id", "NOT_FOUND", "cluster_id must name one of your clusters");
    if (["provision", "scale"].includes(b.type) && !c?.node_pools.some((p) => p.id === a.node_pool_id)) at("args/node_pool_id", "NOT_FOUND", "node_pool_id must name a pool of the cluster");
    if (b.type === "scale" && (a.desired === undefined) === (a.delta === undefined)) at("args", "INVALID_SCALE", "give exactly one of desired and delta");
    if (b.type === "provision" && a.count !== undefined && (!Number.isInteger(a.count) || a.count < 1 || a.count > 100)) at("args/count", "OUT_OF_RANGE", "count must be between 1 and 100");
  }
  if (b.type === "sleep") {
    if (a.seconds !== undefined && (!Number.isInteger(a.seconds) || a.seconds < 0 || a.seconds > 3600)) at("args/seconds", "OUT_OF_RANGE", "seconds must be between 0 and 3600");
    if (a.steps !== undefined && (!Number.isInteger(a.steps) || a.steps < 1 || a.steps > 100)) at("args/steps", "OUT_OF_RANGE", "steps must be between 1 and 100");
  }
  if (b.queue !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(b.queue)) at("queue", "INVALID_QUEUE", "queue must be 1 to 64 letters, digits, '-' or '_'");
  if (b.priority !== undefined && (!Number.isInteger(b.priority) || b.priority < 0 || b.priority > 9)) at("priority", "OUT_OF_RANGE", "priority must be between 0 and 9");
  if (b.run_at !== undefined && Number.isNaN(Date.parse(b.run_at))) at("run_at", "INVALID_TIME", "run_at must be an RFC 3339 time");
  if (b.timeout_seconds !== undefined && (!Number.isInteger(b.timeout_seconds) || b.timeout_seconds < 0 || b.timeout_seconds > 86400)) at("timeout_seconds", "OUT_OF_RANGE", "timeout_seconds must be between 0 and 86400");
  if (b.unique_key !== undefined && !NAME_RE.test(b.unique_key)) at("unique_key", "INVALID_NAME", "unique_key may contain letters, digits, '.' and '-'");
  return errors;
}

function newJob(b) {
  const due = !b.run_at || Date.parse(b.run_at) <= Date.now();
  const args = b.type === "sleep" ? { seconds: 5, steps: 5, ...b.args } : b.type === "fail" ? { message: "failed on purpose", retryable: true, fail_attempts: 0, ...b.args } : b.type === "provision" ? { count: 1, ...b.args } : { ...b.args };
  const j = {
    kind: "job", id: randomUUID(), version: 1, type: b.type, args, queue: b.queue ?? "default", priority: b.priority ?? 5,
    status: due ? "queued" : "scheduled", attempt: 0, max_attempts: 5, run_at: b.run_at ? new Date(b.run_at).toISOString() : now(),
    timeout_seconds: b.timeout_seconds ?? 0, heartbeat_timeout_seconds: 30,
    retry_policy: { max_attempts: 5, initial_interval_s: 2, coefficient: 2, max_interval_s: 300, jitter: 0.2, non_retryable_errors: [] },
    unique_key: b.unique_key ?? null, progress: { percent: 0, message: "", updated_at: null }, last_error: null, result: null,
    cancel_requested: false, lease: null, cluster_id: args.cluster_id ?? null, trace_id: null, created_at: now(), updated_at: now(),
  };
  jobs.set(j.id, j);
  attempts.set(j.id, []);
  jobLog(j, `enqueued on ${j.queue} (priority ${j.priority})`);
  return j;
}

function jobTouch(j) {
  j.version += 1;
  j.updated_at = now();
}

function finishAttempt(j, outcome, error) {
  const list = attempts.get(j.id) ?? [];
  const a = list.at(-1);
  if (a && !a.finished_at) Object.assign(a, { finished_at: now(), outcome, error: error ?? null });
  const slot = workerSlots.indexOf(j.id);
  if (slot >= 0) workerSlots[slot] = null;
  j.lease = null;
}

function endJob(j, status, extra = {}) {
  Object.assign(j, { status, ...extra });
  if (TERMINAL.includes(status)) j.finished_at = now();
  jobTouch(j);
}

function jobTick() {
  const t = Date.now();
  for (const j of jobs.values()) {
    if ((j.status === "scheduled" || j.status === "retrying") && Date.parse(j.run_at) <= t) endJob(j, "queued");
  }
  for (const j of jobs.values()) {
    if (j.status !== "running") continue;
    if (j.cancel_requested) {
      finishAttempt(j, "cancelled");
      jobLog(j, "cancel acknowledged", "warn");
      endJob(j, "cancelled");
      continue;
    }
    const elapsed = t - j.startedAt;
    if (j.type === "fail") {
      if (elapsed < 1000) continue;
      const a = j.args;
      const fails = a.fail_attempts === 0 || j.attempt <= a.fail_attempts;
      if (!fails) {
        finishAttempt(j, "succeeded");
        jobLog(j, "succeeded this time");
        endJob(j, "succeeded", { result: { attempt: j.attempt }, progress: { percent: 100, message: "done", updated_at: now() } });
        continue;
      }
      const error = { code: "HANDLER_FAILED", message: a.message, retryable: a.retryable };
      finishAttempt(j, "failed", error);
      jobLog(j, `attempt ${j.attempt} failed: ${a.message}`, "error");
      if (!a.retryable) endJob(j, "failed", { last_error: error });
      else if (j.attempt >= j.max_attempts) endJob(j, "dead", { last_error: error });
      else endJob(j, "retrying", { last_error: error, run_at: new Date(t + 2000 * 2 ** (j.attempt - 1)).toISOString() });
      continue;
    }
    const steps = j.type === "sleep" ? Math.max(1, j.args.steps) : 4;
    const percent = Math.min(100, Math.floor((100 * elapsed) / j.duration));
    const step = Math.min(steps, Math.floor((percent * steps) / 100));
    if (step > Math.floor((j.progress.percent * steps) / 100)) jobLog(j, `step ${step} of ${steps}`);
    if (percent !== j.progress.percent) {
      j.progress = { percent, message: `step ${step} of ${steps}`, updated_at: now() };
      jobTouch(j);
    }
    if (elapsed >= j.duration) {
      finishAttempt(j, "succeeded");
      jobLog(j, "succeeded");
      const result = j.type === "sleep" ? { slept_seconds: j.args.seconds } : j.type === "diagnose" ? { health_score: 80, rating: "Excellent" } : { ...j.args };
      endJob(j, "succeeded", { result, last_error: null, progress: { percent: 100, message: "done", updated_at: now() } });
    }
  }
  const ready = [...jobs.values()]
    .filter((j) => j.status === "queued" && !pausedQueues.has(j.queue))
    .sort((a, b) => a.priority - b.priority || Date.parse(a.run_at) - Date.parse(b.run_at));
  for (const j of ready) {
    const slot = workerSlots.indexOf(null);
    if (slot < 0) break;
    workerSlots[slot] = j.id;
    j.attempt += 1;
    j.startedAt = t;
    j.duration = j.type === "sleep" ? Math.max(250, j.args.seconds * 1000) : 2000;
    j.lease = { worker_id: `mock-writer/w${slot + 1}`, expires_at: new Date(t + 30_000).toISOString() };
    const list = attempts.get(j.id);
    list.push({ kind: "job_attempt", job_id: j.id, attempt: list.length + 1, run_attempt: j.attempt, worker_id: j.lease.worker_id, started_at: now(), finished_at: null, outcome: null, error: null });
    endJob(j, "running", { progress: { percent: 0, message: "started", updated_at: now() } });
    jobLog(j, `attempt ${j.attempt} started on ${j.lease.worker_id}`);
  }
}
setInterval(jobTick, 250).unref();

function streamJobLogs(req, res, j, url) {
  let after = Number(url.searchParams.get("page_token") ?? 0) || 0;
  res.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-cache", ...res.rateHeaders });
  const timer = setInterval(() => {
    const fresh = jobLogs.filter((l) => l.job_id === j.id && l.id > after);
    for (const l of fresh) res.write(`event: line\nid: ${l.id}\ndata: ${JSON.stringify(l)}\n\n`);
    if (fresh.length) after = fresh.at(-1).id;
    const current = jobs.get(j.id);
    if (!current || TERMINAL.includes(current.status)) {
      res.write(`event: end\ndata: ${JSON.stringify({ status: current?.status ?? "deleted" })}\n\n`);
      clearInterval(timer);
      res.end();
    }
  }, 250);
  req.on("close", () => clearInterval(timer));
}

async function jobRoutes(req, res, url, parts) {
  if (req.method === "GET" && parts.length === 1) {
    const q = url.searchParams;
    const all = [...jobs.values()]
      .filter((j) => ["status", "type", "queue", "priority", "cluster_id"].every((k) => !q.get(k) || String(j[k]) === q.get(k)))
      .reverse()
      .map(publicJob);
    return page(res, "jobs", all, url);
  }
  if (req.method === "POST" && parts.length === 1) {
    const b = await readBody(req);
    const errors = jobErrors(b);
    if (errors.length) return problem(res, 422, "VALIDATION_FAILED", `${errors.length} field(s) are invalid.`, errors);
    const holder = b.unique_key && [...jobs.values()].find((j) => j.unique_key === b.unique_key);
    if (holder) {
      return send(res, 409, { type: "about:blank", title: "An equivalent job exists", status: 409, code: "DUPLICATE_JOB", detail: `a job with this unique_key exists: ${holder.id}`, metadata: { existing_job_id: holder.id }, request_id: randomUUID() });
    }
    const queue = b.queue ?? "default";
    if ([...jobs.values()].filter((j) => j.queue === queue && !TERMINAL.includes(j.status)).length >= QUEUE_CAPACITY) {
      return problem(res, 503, "QUEUE_FULL", `queue ${queue} holds ${QUEUE_CAPACITY} unfinished jobs, its capacity`, undefined, { "Retry-After": "5" });
    }
    const j = newJob(b);
    return send(res, 201, publicJob(j), { ...accepted(), ETag: `"${j.version}"`, Location: `/api/v1/jobs/${j.id}` });
  }
  const [id, verb] = parts[1].split(":");
  const j = jobs.get(id);
  if (!j) return problem(res, 404, "NOT_FOUND", "job not found");
  if (req.method === "GET" && parts.length === 2) return send(res, 200, publicJob(j), { ETag: `"${j.version}"` });
  if (req.method === "GET" && parts[2] === "attempts") return send(res, 200, { attempts: attempts.get(j.id) ?? [], meta: { total: (attempts.get(j.id) ?? []).length }, links: {} });
  if (req.method === "GET" && parts[2] === "logs:stream") return streamJobLogs(req, res, j, url);
  if (req.method === "GET" && parts[2] === "logs") {
    const after = Number(url.searchParams.get("page_token") ?? 0) || 0;
    const size = Math.min(Number(url.searchParams.get("page_size")) || 100, 500);
    const all = jobLogs.filter((l) => l.job_id === j.id);
    const lines = all.filter((l) => l.id > after).slice(0, size + 1);
    const more = lines.length > size;
    const out = lines.slice(0, size);
    return send(res, 200, { lines: out, meta: { total: all.length }, links: {}, ...(more ? { next_page_token: String(out.at(-1).id) } : {}) });
  }
  if (req.method === "POST" && verb === "cancel") {
    if (j.status === "running") {
      j.cancel_requested = true;
      jobTouch(j);
      jobLog(j, "cancel requested", "warn");
    } else if (["queued", "scheduled", "retrying"].includes(j.status)) {
      endJob(j, "cancelled");
      jobLog(j, "cancelled", "warn");
    } else return problem(res, 409, "INVALID_STATE_TRANSITION", `cannot cancel a ${j.status} job`);
    return send(res, 200, publicJob(j), { ...accepted(), ETag: `"${j.version}"` });
  }
  if (req.method === "POST" && verb === "retry") {
    if (!["failed", "dead", "cancelled"].includes(j.status)) return problem(res, 409, "INVALID_STATE_TRANSITION", `cannot retry a ${j.status} job`);
    endJob(j, "queued", { attempt: 0, cancel_requested: false, last_error: null, result: null, run_at: now(), finished_at: undefined, progress: { percent: 0, message: "", updated_at: now() } });
    jobLog(j, "queued again by retry");
    return send(res, 200, publicJob(j), { ...accepted(), ETag: `"${j.version}"` });
  }
  if (req.method === "DELETE" && parts.length === 2) {
    if (!TERMINAL.includes(j.status)) return problem(res, 409, "INVALID_STATE_TRANSITION", `cannot delete a ${j.status} job`);
    jobs.delete(j.id);
    res.writeHead(204, { ...res.rateHeaders, ...accepted() });
    return res.end();
  }
  return problem(res, 405, "METHOD_NOT_ALLOWED", "method not allowed");
}

function queueRoutes(req, res, url, parts) {
  if (req.method === "GET" && parts.length === 1) {
    const names = new Set([...jobs.values()].filter((j) => !TERMINAL.includes(j.status)).map((j) => j.queue));
    for (const q of pausedQueues) names.add(q);
    const t = Date.now();
    const queues = [...names].sort().map((name) => {
      const mine = [...jobs.values()].filter((j) => j.queue === name);
      const queued = mine.filter((j) => j.status === "queued");
      const oldest = queued.length ? Math.min(...queued.map((j) => Date.parse(j.run_at))) : null;
      return { kind: "queue", name, depth: queued.length, capacity: QUEUE_CAPACITY, running: mine.filter((j) => j.status === "running").length, oldest_queued_age_seconds: oldest === null ? null : Math.max(0, (t - oldest) / 1000), paused: pausedQueues.has(name) };
    });
    return send(res, 200, { queues });
  }
  const [name, verb] = (parts[1] ?? "").split(":");
  if (req.method === "POST" && (verb === "pause" || verb === "resume") && /^[A-Za-z0-9_-]{1,64}$/.test(name)) {
    if (verb === "pause") pausedQueues.add(name);
    else pausedQueues.delete(name);
    return send(res, 200, { kind: "queue_control", name, paused: verb === "pause" }, accepted());
  }
  return problem(res, 404, "NOT_FOUND", "no such route");
}

function observabilityRoutes(req, res, url, parts) {
  const published_at = now();
  if (parts[1] === "workers") {
    const leases = workerSlots.filter(Boolean).map((id) => jobs.get(id)).filter(Boolean).map((j) => ({ job_id: j.id, queue: j.queue, lease_until: j.lease?.expires_at ?? now() }));
    const first_queued = [...jobs.values()].filter((j) => j.status === "queued").slice(0, 20).map((j) => j.id);
    return send(res, 200, { instances: [{ instance: "mock-writer", size: WORKERS, busy: leases.length, leases, first_queued, published_at }] });
  }
  if (parts[1] === "partitions") {
    return send(res, 200, { partitions: [0, 1, 2].map((partition) => ({ partition, owner: "mock-writer", epoch: 1, phase: "serving", next_offset: offset + partition, published_at })) });
  }
  if (parts[1] === "projection") {
    return send(res, 200, { projection: "read_models_v1", partitions: [0, 1, 2].map((partition) => ({ partition, checkpoint: offset, high_watermark: offset, lag_records: 0, lag_seconds: 0 })), published_at });
  }
  return problem(res, 404, "NOT_FOUND", "no such route");
}

// ---- rate limits ---------------------------------------------------------------------------------------------------
const defaultPolicy = {
  kind: "rate_limit_policy", id: "default", version: 0,
  policies: [
    { name: "minute", quota: 250, window_seconds: 60, burst: 50, applies_to: "all", cost_per_request: 1, key: "user", routes: [] },
    { name: "hour", quota: 5000, window_seconds: 3600, applies_to: "all", cost_per_request: 1, key: "user", routes: [] },
    { name: "mutations", quota: 60, window_seconds: 60, applies_to: "mutations", cost_per_request: 1, key: "user", routes: [] },
    { name: "jobs_create", quota: 6, window_seconds: 60, burst: 2, applies_to: "mutations", cost_per_request: 1, key: "user", routes: ["POST /api/v1/jobs"] },
  ],
};
const userPolicies = new Map();
const hits = [];

/** Counts this request against the "minute" policy (a sliding window, not GCRA: a mock) and returns the headers. */
function rateLimit(req) {
  const t = Date.now();
  while (hits.length && hits[0] <= t - 60_000) hits.shift();
  if (!req.url.startsWith("/api/v1/rate_limit?") && req.url !== "/api/v1/rate_limit") hits.push(t);
  const remaining = Math.max(0, 250 - hits.length);
  const reset = hits.length ? Math.ceil((hits[0] + 60_000 - t) / 1000) : 0;
  return {
    RateLimit: `"minute";r=${remaining};t=${reset}`,
    "RateLimit-Policy": `"minute";q=250;w=60, "hour";q=5000;w=3600`,
    "RateLimit-Limit": "250",
    "RateLimit-Remaining": String(remaining),
    "RateLimit-Reset": String(reset),
  };
}

async function rateLimitRoutes(req, res, url, parts) {
  if (parts[0] === "rate_limit" && req.method === "GET") {
    const t = Date.now();
    const jobsMade = [...jobs.values()].filter((j) => t - Date.parse(j.created_at) < 60_000).length;
    return send(res, 200, {
      kind: "rate_limit", user_id: "dev", source: "redis", policy_version: defaultPolicy.version,
      policies: [
        { name: "minute", quota: 250, window_seconds: 60, burst: 50, key: "user", remaining: Math.min(51, 250 - hits.length), reset_seconds: Number(res.rateHeaders?.["RateLimit-Reset"] ?? 0) },
        { name: "jobs_create", quota: 6, window_seconds: 60, burst: 2, key: "user", remaining: Math.max(0, 3 - jobsMade), reset_seconds: jobsMade ? 10 * jobsMade : 0 },
      ],
    });
  }
  const isDefault = parts[0] === "rate_limit_policies" && parts[1] === "default";
  if (parts[0] === "rate_limit_policies" && parts.length === 1 && req.method === "GET") {
    return send(res, 200, { rate_limit_policies: [defaultPolicy, ...userPolicies.values()], meta: { total: 1 + userPolicies.size }, links: {} });
  }
  const userId = parts[0] === "users" ? parts[1] : undefined;
  const doc = isDefault ? defaultPolicy : userPolicies.get(userId);
  if (req.method === "GET") return doc ? send(res, 200, doc, { ETag: `"${doc.version}"` }) : problem(res, 404, "NOT_FOUND", "rate_limit_policy not found");
  const ifMatch = req.headers["if-match"];
  if (req.method === "PUT") {
    if (!ifMatch) return problem(res, 428, "PRECONDITION_REQUIRED", "send If-Match with the policy's ETag (or * for any version)");
    if (ifMatch !== "*" && ifMatch !== `"${doc?.version ?? -1}"`) return problem(res, 412, "PRECONDITION_FAILED", `version is ${doc?.version}`, undefined, doc ? { ETag: `"${doc.version}"` } : {});
    const b = await readBody(req);
    const errors = [];
    if (!Array.isArray(b.policies) || b.policies.length < 1 || b.policies.length > 16) errors.push({ pointer: "#/policies", code: "INVALID_POLICIES", detail: "policies must hold 1 to 16 rules" });
    else
      b.policies.forEach((r, i) => {
        if (!/^[a-z0-9_]{1,32}$/.test(r.name ?? "")) errors.push({ pointer: `#/policies/${i}/name`, code: "INVALID_NAME", detail: "name must be 1 to 32 of a-z, 0-9, _" });
        if (!Number.isInteger(r.quota) || r.quota < 1) errors.push({ pointer: `#/policies/${i}/quota`, code: "OUT_OF_RANGE", detail: "quota must be at least 1" });
        if (!Number.isInteger(r.window_seconds) || r.window_seconds < 1 || r.window_seconds > 86400) errors.push({ pointer: `#/policies/${i}/window_seconds`, code: "OUT_OF_RANGE", detail: "window_seconds must be 1 to 86400" });
      });
    if (errors.length) return problem(res, 422, "VALIDATION_FAILED", `${errors.length} field(s) are invalid.`, errors);
    const next = doc ?? { kind: "rate_limit_policy", id: userId, version: 0, user_id: userId, policies: [] };
    next.policies = b.policies;
    next.version += 1;
    if (!isDefault) userPolicies.set(userId, next);
    return send(res, 200, next, { ...accepted(), ETag: `"${next.version}"` });
  }
  if (req.method === "DELETE" && userId) {
    if (!doc) return problem(res, 404, "NOT_FOUND", "rate_limit_policy not found");
    if (ifMatch && ifMatch !== "*" && ifMatch !== `"${doc.version}"`) return problem(res, 412, "PRECONDITION_FAILED", `version is ${doc.version}`);
    userPolicies.delete(userId);
    res.writeHead(204, { ...res.rateHeaders, ...accepted() });
    return res.end();
  }
  return problem(res, 405, "METHOD_NOT_ALLOWED", "method not allowed");
}

// ---- the reconcile tick --------------------------------------------------------------------------------------------
function tick() {
  const t = Date.now();
  for (const c of clusters.values()) {
    if (c.status.state === "deleted") continue;
    for (const p of c.node_pools) {
      const live = liveNodes(p);
      if (c.status.state === "deleting") continue;
      for (let i = live.length; i < p.count; i++) {
        const d = newDroplet({ name: `${c.name}-${p.name}-${randomUUID().slice(0, 5)}`, region: c.region, size: p.size, image: "ubuntu-24-04-x64", cluster_id: c.id, node_pool_id: p.id });
        d.locked = false;
      }
      for (const d of live.slice(p.count)) Object.assign(d, { status: "deleting", goneAt: later(800, 1500) });
      const running = liveNodes(p).filter((d) => d.status === "active").length;
      const next = running === p.count && liveNodes(p).length === p.count ? "active" : "scaling";
      if (next !== p.status) {
        p.status = next;
        touch(c);
      }
    }
    if (c.status.state === "deleting") {
      for (const p of c.node_pools) for (const d of liveNodes(p)) Object.assign(d, { status: "deleting", goneAt: later(500, 1200) });
      const left = [...droplets.values()].some((d) => d.cluster_id === c.id && d.status !== "deleted");
      if (!left) {
        c.status = { state: "deleted", message: null };
        c.delete_time = now();
        touch(c);
        event(c.id, "cluster.deleted", { kind: "cluster", id: c.id }, "cluster deleted");
      }
    } else {
      const ready = c.node_pools.every((p) => p.status === "active");
      const state = ready ? "running" : c.everRunning ? "running" : "provisioning";
      const message = ready ? null : c.everRunning ? "scaling node pools" : "creating nodes";
      if (state !== c.status.state || message !== c.status.message) {
        if (state === "running" && !c.everRunning) event(c.id, "cluster.running", { kind: "cluster", id: c.id }, "every pool has its nodes running");
        c.status = { state, message };
        c.everRunning ||= ready;
        touch(c);
      }
    }
  }
  for (const d of droplets.values()) {
    if (d.status === "new" && d.readyAt <= t) {
      Object.assign(d, { status: "active", locked: !!d.pending_operation_id && !d.cluster_id, ready_at: now(), networks: { v4: [{ ip_address: `10.20.${(offset % 250) + 1}.${Math.floor(Math.random() * 250) + 2}`, type: "private" }] } });
      touch(d);
      if (d.cluster_id) event(d.cluster_id, "node.ready", { kind: "node", id: d.id }, `node ${d.name} is running`);
    }
    if (d.status === "deleting" && d.goneAt && d.goneAt <= t) {
      Object.assign(d, { status: "deleted", locked: false });
      touch(d);
      if (d.cluster_id) event(d.cluster_id, "node.removed", { kind: "node", id: d.id }, `node ${d.name} removed`);
    }
  }
  for (const op of operations.values()) {
    if (op.done) continue;
    if (op.cancel_requested && op.type !== "cluster.delete") {
      endOperation(op, "cancelled");
      continue;
    }
    if (op.finish()) endOperation(op, "succeeded");
    else op.progress = { ...op.progress, percent: Math.min(95, op.progress.percent + 10), step: "working", message: "in progress", steps_done: 1 };
  }
}
setInterval(tick, 250).unref();

// ---- audit feed ----------------------------------------------------------------------------------------------------
// The mock keeps no audit log: its stream announces a change of every kind each second (pages reload as they did when
// they polled), and the feed lists those announcements. Live clusters and jobs changed in the last 3 s are announced by
// their own ids too, so the pages of one cluster or job, which listen for their own aggregate, follow them.
const audit = [];
let auditSeq = 0;
function announce() {
  const at = now();
  const recent = Date.now() - 3000;
  const live = [
    ...[...clusters.values()].filter((c) => c.status.state !== "deleted").map((c) => ["cluster", c.id]),
    ...[...jobs.values()].filter((j) => Date.parse(j.updated_at) > recent).map((j) => ["job", j.id]),
  ];
  for (const [kind, id] of [["droplet", randomUUID()], ["cluster", randomUUID()], ["job", randomUUID()], ...live]) {
    auditSeq += 1;
    audit.unshift({
      kind: "event", id: randomUUID(), type: `${kind}.changed`, schema_version: 1, aggregate: { kind, id },
      aggregate_version: 1, command: "mock.tick", principal: "dev", owner: "dev", correlation_id: "", partition: 0,
      offset: auditSeq, position: `0:${auditSeq}`, recorded_at: at, summary: { message: "mock tick" },
    });
  }
  audit.length = Math.min(audit.length, 300);
}
setInterval(announce, 1000).unref();

function eventRoutes(req, res, url, parts) {
  if (parts[0] === "events:stream") {
    res.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-cache", ...res.rateHeaders });
    let sent = auditSeq;
    res.write(`event: ready\nid: 0:${sent}\ndata: {}\n\n`);
    const timer = setInterval(() => {
      for (const e of audit.filter((a) => a.offset > sent).reverse()) res.write(`event: audit\nid: 0:${e.offset}\ndata: ${JSON.stringify(e)}\n\n`);
      sent = auditSeq;
    }, 250);
    req.on("close", () => clearInterval(timer));
    return;
  }
  const kind = url.searchParams.get("aggregate_type");
  return page(res, "events", audit.filter((e) => !kind || e.aggregate.kind === kind), url);
}

// ---- server --------------------------------------------------------------------------------------------------------
async function api(req, res, url) {
  if (req.headers.authorization !== "Bearer dev") return problem(res, 401, "UNAUTHENTICATED", "missing or invalid token");
  res.rateHeaders = rateLimit(req);
  const parts = url.pathname.split("/").slice(3).filter(Boolean);
  switch (parts[0]) {
    case "regions":
      return send(res, 200, { regions: REGIONS.map(([slug, name]) => ({ slug, name, available: true, features: ["private_networking"], sizes: SIZES.filter((s) => s.regions.includes(slug)).map((s) => s.slug) })), meta: { total: REGIONS.length }, links: {} });
    case "sizes": {
      const region = url.searchParams.get("region");
      const list = SIZES.filter((s) => !region || s.regions.includes(region));
      return send(res, 200, { sizes: list, meta: { total: list.length }, links: {} });
    }
    case "images":
      return send(res, 200, { images: IMAGES, meta: { total: IMAGES.length }, links: {} });
    case "droplets":
      return dropletRoutes(req, res, url, parts);
    case "clusters":
      return clusterRoutes(req, res, url, parts);
    case "autoscaling_policies":
      return policyRoutes(req, res, url, parts);
    case "operations":
      return operationRoutes(req, res, url, parts);
    case "jobs":
      return jobRoutes(req, res, url, parts);
    case "queues":
      return queueRoutes(req, res, url, parts);
    case "events":
    case "events:stream":
      return eventRoutes(req, res, url, parts);
    case "observability":
      return observabilityRoutes(req, res, url, parts);
    case "rate_limit":
    case "rate_limit_policies":
    case "users":
      return rateLimitRoutes(req, res, url, parts);
    default:
      return problem(res, 404, "NOT_FOUND", "no such route");
  }
}

createServer(async (req, res) => {
  const url = new URL(req.url, "http://localhost");
  try {
    if (url.pathname === "/readyz") return send(res, 200, { status: "ready", checks: { mock: { status: "up" } } });
    if (url.pathname.startsWith("/api/")) return await api(req, res, url);
    const file = url.pathname === "/" ? "index.html" : url.pathname.slice(1);
    const data = await readFile(join(DIST, file)).catch(() => null);
    if (data) {
      res.writeHead(200, { "Content-Type": TYPES[extname(file)] ?? "application/octet-stream" });
      return res.end(data);
    }
    res.writeHead(200, { "Content-Type": "text/html" });
    res.end(await readFile(join(DIST, "index.html")));
  } catch (err) {
    problem(res, 500, "INTERNAL", String(err));
  }
}).listen(PORT, "127.0.0.1", () => console.log(`mock api on http://127.0.0.1:${PORT}/ (token: dev)`));
