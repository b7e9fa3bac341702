// Tiny in-memory stand-in for query-api: serves web/dist and a fake droplet API, to try the SPA and smoke.mjs without the Rust stack.
// Usage: node e2e/mock-api.mjs [port]   (token "dev"); not used by CI against the real services.
import { createServer } from "node:http";
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { extname, join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const DIST = join(dirname(fileURLToPath(import.meta.url)), "..", "dist");
const PORT = Number(process.argv[2] ?? 8091);
const TYPES = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml" };
const droplets = new Map();
let offset = 0;

function send(res, status, body, headers = {}) {
  const type = status >= 400 ? "application/problem+json" : "application/json";
  res.writeHead(status, { "Content-Type": type, ...headers });
  res.end(body === undefined ? "" : JSON.stringify(body));
}

function problem(res, status, code, detail, errors) {
  send(res, status, { type: "about:blank", title: code, status, detail, code, request_id: randomUUID(), errors });
}

async function body(req) {
  let raw = "";
  for await (const chunk of req) raw += chunk;
  return raw ? JSON.parse(raw) : {};
}

function matches(d, filter) {
  for (const [, field, value] of filter.matchAll(/(\w+)="([^"]*)"/g)) {
    const actual = String(d[field] ?? "");
    if (value.endsWith("*") ? !actual.startsWith(value.slice(0, -1)) : actual !== value) return false;
  }
  return true;
}

async function api(req, res, url) {
  if (req.headers.authorization !== "Bearer dev") return problem(res, 401, "UNAUTHENTICATED", "missing or invalid token");
  const parts = url.pathname.split("/").slice(3); // ["droplets", id?, "actions"?]
  const tok = { "Consistency-Token": `0:${++offset}` };
  if (parts[0] !== "droplets") return problem(res, 404, "NOT_FOUND", "no such route");
  if (req.method === "GET" && parts.length === 1) {
    const all = [...droplets.values()].filter((d) => matches(d, url.searchParams.get("filter") ?? "")).reverse();
    return send(res, 200, { droplets: all.slice(0, 20), meta: { total: all.length } });
  }
  if (req.method === "POST" && parts.length === 1) {
    const b = await body(req);
    if (!/^[a-zA-Z0-9][a-zA-Z0-9.-]*$/.test(b.name ?? ""))
      return problem(res, 422, "VALIDATION_FAILED", "1 field is invalid.", [{ pointer: "#/name", code: "INVALID_NAME", detail: "invalid name" }]);
    const now = new Date().toISOString();
    const d = { kind: "droplet", id: randomUUID(), version: 1, name: b.name, region: b.region, size_slug: b.size, image: b.image,
      status: "new", locked: true, vcpus: 1, memory_mb: 1024, disk_gb: 25, networks: { v4: [] }, tags: b.tags ?? [], created_at: now, updated_at: now };
    droplets.set(d.id, d);
    setTimeout(() => Object.assign(d, { status: "active", locked: false, version: 2, networks: { v4: [{ ip_address: "10.20.0.7", type: "private" }] } }), 4000);
    return send(res, 202, { droplet: d, operation: { id: randomUUID(), done: false } }, { ...tok, ETag: `"${d.version}"`, Location: `/api/v1/droplets/${d.id}` });
  }
  const d = droplets.get(parts[1]);
  if (!d) return problem(res, 404, "NOT_FOUND", "droplet not found");
  if (req.method === "GET") return send(res, 200, d, { ETag: `"${d.version}"` });
  if (req.headers["if-match"] && req.headers["if-match"] !== `"${d.version}"`) return problem(res, 412, "PRECONDITION_FAILED", "version mismatch");
  if (req.method === "DELETE") Object.assign(d, { status: "deleting" });
  else {
    const b = await body(req);
    if (b.type === "power_off") d.status = "off";
    if (b.type === "power_on") d.status = "active";
    if (b.type === "rename") d.name = b.name;
  }
  d.version += 1;
  return send(res, 202, { operation: { id: randomUUID(), done: false } }, { ...tok, ETag: `"${d.version}"` });
}

createServer(async (req, res) => {
  const url = new URL(req.url, "http://localhost");
  try {
    if (url.pathname === "/readyz") return send(res, 200, { status: "ready", checks: {} });
    if (url.pathname.startsWith("/api/v1/")) return await api(req, res, url);
    const file = url.pathname === "/" ? "index.html" : url.pathname.slice(1);
    const data = await readFile(join(DIST, file)).catch(() => readFile(join(DIST, "index.html")));
    res.writeHead(200, { "Content-Type": TYPES[extname(file)] ?? "text/html" });
    res.end(data);
  } catch (err) {
    problem(res, 500, "INTERNAL", String(err));
  }
}).listen(PORT, "127.0.0.1", () => console.log(`mock api on http://127.0.0.1:${PORT}/ (token: dev)`));
