// Test helpers: canned fetch responses and a typed view of the calls a fetch mock received.
import { vi, type Mock } from "vitest";

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  const type = status >= 400 ? "application/problem+json" : "application/json";
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": type, ...headers } });
}

/** Installs a fetch mock answering each call with `respond(url, init)`. */
export function mockFetch(respond: (url: string, init: RequestInit) => Response): Mock {
  const fn = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => respond(String(input), init ?? {}));
  vi.stubGlobal("fetch", fn);
  return fn;
}

export function headersOf(fn: Mock, call = 0): Record<string, string> {
  return (fn.mock.calls[call][1] as RequestInit).headers as Record<string, string>;
}

export function droplet(over: Record<string, unknown> = {}) {
  return {
    kind: "droplet",
    id: "0193a0c4-5b2e-7c11-9a0e-2f4d6c8b1a37",
    version: 4,
    name: "web-1",
    region: "nyc1",
    size_slug: "s-1vcpu-1gb",
    image: "ubuntu-22-04-x64",
    status: "active",
    locked: false,
    vcpus: 1,
    memory_mb: 1024,
    disk_gb: 25,
    networks: { v4: [{ ip_address: "10.20.0.7", type: "private" }] },
    tags: [],
    created_at: "2026-11-20T09:14:03Z",
    updated_at: "2026-11-20T09:14:05Z",
    ...over,
  };
}
