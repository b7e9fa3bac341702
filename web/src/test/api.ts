// Test fixtures for the API (catalog, clusters, pools, nodes, operations) and a fetch mock that routes by "METHOD /path".
import type { Mock } from "vitest";
import { json, mockFetch } from "./http";

export const regionsBody = {
  regions: [
    { slug: "nyc1", name: "New York 1", available: true, features: [], sizes: ["s-1vcpu-1gb", "s-2vcpu-4gb", "c-8vcpu-16gb"] },
    { slug: "lon1", name: "London 1", available: true, features: [], sizes: ["s-1vcpu-1gb", "s-2vcpu-4gb"] },
    { slug: "fra1", name: "Frankfurt 1", available: true, features: [], sizes: ["s-1vcpu-1gb", "s-2vcpu-4gb", "c-8vcpu-16gb"] },
  ],
};

function size(slug: string, vcpus: number, memory_mb: number, disk_gb: number, monthly: string, hourly: string, regions: string[]) {
  return { slug, vcpus, memory_mb, disk_gb, transfer: 1, price_monthly: monthly, price_hourly: hourly, currency: "USD", regions, available: true, description: "Basic" };
}

export const SIZES = [
  size("s-1vcpu-1gb", 1, 1024, 25, "6.00", "0.008929", ["nyc1", "lon1", "fra1"]),
  size("s-2vcpu-4gb", 2, 4096, 80, "24.00", "0.035714", ["nyc1", "lon1", "fra1"]),
  size("c-8vcpu-16gb", 8, 16384, 100, "168.00", "0.250000", ["nyc1", "fra1"]),
];

export function sizesBody(region?: string | null) {
  return { sizes: SIZES.filter((s) => !region || s.regions.includes(region)) };
}

export const imagesBody = {
  images: [
    { slug: "ubuntu-24-04-x64", distribution: "Ubuntu", name: "24.04 (LTS) x64" },
    { slug: "debian-12-x64", distribution: "Debian", name: "12 x64" },
  ],
};

export const CLUSTER_ID = "0193b000-0000-7000-8000-00000000c001";
export const POOL_ID = "0193b000-0000-7000-8000-00000000p001";

export function pool(over: Record<string, unknown> = {}) {
  return { kind: "node_pool", id: POOL_ID, name: "workers", size: "s-2vcpu-4gb", count: 2, auto_scale: false, min_nodes: 1, max_nodes: 100, labels: {}, taints: [], tags: [], status: "active", ...over };
}

export function node(id: string, state = "running", over: Record<string, unknown> = {}) {
  return { kind: "node", id, name: `node-${id}`, droplet_id: id, node_pool_id: POOL_ID, status: { state }, ready_at: "2026-11-20T09:15:00Z", ...over };
}

export function poolWithNodes(over: Record<string, unknown> = {}, nodes = [node("n1"), node("n2")]) {
  const p = pool(over);
  return { ...p, nodes, node_counts: { total: nodes.length, running: nodes.filter((n) => n.status.state === "running").length, desired: p.count } };
}

export function cluster(over: Record<string, unknown> = {}) {
  return {
    kind: "cluster",
    id: CLUSTER_ID,
    version: 7,
    name: "prod-1",
    region: "nyc1",
    kube_version: "1.31.1-do.0",
    status: { state: "running", message: null },
    node_pools: [pool()],
    tags: ["env:prod"],
    pending_operation_id: null,
    created_at: "2026-11-20T09:14:03Z",
    updated_at: "2026-11-20T09:16:03Z",
    ...over,
  };
}

export function operation(over: Record<string, unknown> = {}) {
  return {
    kind: "operation",
    id: "0193b000-0000-7000-8000-0000000000op",
    version: 2,
    type: "cluster.create",
    target: { kind: "cluster", id: CLUSTER_ID },
    status: "running",
    done: false,
    cancel_requested: false,
    progress: { percent: 40, step: "nodes", message: "creating nodes", steps_total: 5, steps_done: 2 },
    requested_by: "dev",
    created_at: "2026-11-20T09:14:03Z",
    completed_at: null,
    ...over,
  };
}

export type Handler = (url: URL, init: RequestInit) => Response | undefined;

/**
 * A fetch mock routing "METHOD /api/v1/path" (path without the query) to handlers; the catalog routes answer by default.
 * A path may end in `*` to match a prefix. Unknown routes answer a 404 problem.
 */
export function mockApi(routes: Record<string, Handler | unknown>): Mock {
  const table: Record<string, Handler | unknown> = {
    "GET /api/v1/regions": regionsBody,
    "GET /api/v1/sizes": (u: URL) => json(200, sizesBody(u.searchParams.get("region"))),
    "GET /api/v1/images": imagesBody,
    "GET /readyz": { status: "ready", checks: {} },
    ...routes,
  };
  return mockFetch((raw, init) => {
    const url = new URL(raw, "http://localhost");
    const key = `${init.method ?? "GET"} ${url.pathname}`;
    const entry = Object.entries(table).find(([k]) => (k.endsWith("*") ? key.startsWith(k.slice(0, -1)) : k === key));
    if (!entry) return json(404, { type: "about:blank", title: "Not Found", status: 404, code: "NOT_FOUND", detail: `no mock for ${key}` });
    const value = entry[1];
    if (typeof value === "function") return (value as Handler)(url, init) ?? json(200, {});
    return json(200, value);
  });
}

/** The calls a mock received, as [method, url] pairs. */
export function calls(fetch: Mock): { method: string; url: URL; init: RequestInit }[] {
  return fetch.mock.calls.map(([u, i]) => ({ method: ((i as RequestInit)?.method ?? "GET") as string, url: new URL(String(u), "http://localhost"), init: (i ?? {}) as RequestInit }));
}

export function bodyOf(init: RequestInit): unknown {
  return JSON.parse(init.body as string);
}

export const JOB_ID = "0193c000-0000-7000-8000-0000000000j1";

export function job(over: Record<string, unknown> = {}) {
  return {
    kind: "job",
    id: JOB_ID,
    version: 3,
    type: "sleep",
    args: { seconds: 10, steps: 5 },
    queue: "default",
    priority: 5,
    status: "running",
    attempt: 1,
    max_attempts: 5,
    run_at: "2026-12-02T15:00:00Z",
    timeout_seconds: 0,
    heartbeat_timeout_seconds: 30,
    retry_policy: { max_attempts: 5, initial_interval_s: 2, coefficient: 2, max_interval_s: 300, jitter: 0.2, non_retryable_errors: [] },
    unique_key: null,
    progress: { percent: 40, message: "step 2 of 5", updated_at: "2026-12-02T15:00:04Z" },
    last_error: null,
    result: null,
    cancel_requested: false,
    lease: { worker_id: "writer-a/w1", expires_at: "2026-12-02T15:00:34Z" },
    cluster_id: null,
    trace_id: null,
    created_at: "2026-12-02T15:00:00Z",
    updated_at: "2026-12-02T15:00:04Z",
    ...over,
  };
}

export function logLine(id: number, message: string, over: Record<string, unknown> = {}) {
  return { id, service: "command-api", level: "info", ts: "2026-12-02T15:00:01Z", message, job_id: JOB_ID, attempt: 1, trace_id: null, ...over };
}

/** A `text/event-stream` answer whose chunks the test pushes (and closes) when it likes. */
export function sseStream() {
  let ctl!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      ctl = c;
    },
  });
  const enc = new TextEncoder();
  return {
    response: () => new Response(body, { status: 200, headers: { "Content-Type": "text/event-stream" } }),
    push: (text: string) => ctl.enqueue(enc.encode(text)),
    line: (l: ReturnType<typeof logLine>) => ctl.enqueue(enc.encode(`event: line\nid: ${l.id}\ndata: ${JSON.stringify(l)}\n\n`)),
    end: (status: string) => {
      ctl.enqueue(enc.encode(`event: end\ndata: ${JSON.stringify({ status })}\n\n`));
      ctl.close();
    },
  };
}

/** A finished event stream: the given lines, then `end`. */
export function sseDone(lines: ReturnType<typeof logLine>[] = [], status = "succeeded"): Response {
  const text = lines.map((l) => `event: line\nid: ${l.id}\ndata: ${JSON.stringify(l)}\n\n`).join("") + `event: end\ndata: ${JSON.stringify({ status })}\n\n`;
  return new Response(text, { status: 200, headers: { "Content-Type": "text/event-stream" } });
}
