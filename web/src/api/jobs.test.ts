// Unit tests for the job, rate-limit-header and Retry-After helpers: list query strings, actions by status (§12.3),
// the SSE parser and the fetch-based log stream, RateLimit header parsing.
import { describe, expect, it, vi } from "vitest";
import { ApiError, request, setToken } from "./client";
import { canCancel, canDelete, canRetry, createJob, listJobs, sseParser, streamLogs, type LogLine } from "./jobs";
import { noteRateLimit, parseRateLimitItem, rateLimitSnapshot } from "./rateLimitHeaders";
import { json, mockFetch, headersOf } from "../test/http";
import { logLine, sseStream } from "../test/api";

describe("jobs api", () => {
  it("builds the list query from the filters", async () => {
    const fetch = mockFetch(() => json(200, { jobs: [], meta: { total: 0 } }));
    await listJobs({ status: "dead", type: "fail", queue: " bulk ", priority: "0", clusterId: "c-1", orderBy: "priority asc", pageToken: "tok" });
    const url = new URL(String(fetch.mock.calls[0][0]), "http://x");
    expect(url.pathname).toBe("/api/v1/jobs");
    expect(Object.fromEntries(url.searchParams)).toEqual({
      status: "dead",
      type: "fail",
      queue: "bulk",
      priority: "0",
      cluster_id: "c-1",
      order_by: "priority asc",
      page_size: "20",
      page_token: "tok",
    });
  });

  it("enables cancel, retry and delete by status", () => {
    const table = ["queued", "scheduled", "running", "retrying", "succeeded", "failed", "dead", "cancelled"].map((status) => [
      status,
      canCancel({ status, cancel_requested: false }),
      canRetry({ status }),
      canDelete({ status }),
    ]);
    expect(table).toEqual([
      ["queued", true, false, false],
      ["scheduled", true, false, false],
      ["running", true, false, false],
      ["retrying", true, false, false],
      ["succeeded", false, false, true],
      ["failed", false, true, true],
      ["dead", false, true, true],
      ["cancelled", false, true, true],
    ]);
    expect(canCancel({ status: "running", cancel_requested: true })).toBe(false);
  });

  it("keeps Retry-After and the metadata of a refused enqueue", async () => {
    mockFetch(() => json(503, { title: "The queue is full", status: 503, code: "QUEUE_FULL", detail: "queue default holds 100 unfinished jobs", metadata: { queue: "default" } }, { "Retry-After": "5" }));
    const err = await createJob({ type: "sleep", args: { seconds: 1, steps: 1 } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).problem.retry_after).toBe(5);
    expect((err as ApiError).problem.code).toBe("QUEUE_FULL");
  });

  it("sends an ETag string verbatim in If-Match, and PUT", async () => {
    const fetch = mockFetch(() => json(200, {}));
    await request("/api/v1/rate_limit_policies/default", { method: "PUT", body: { policies: [] }, ifMatch: '"3"' });
    expect(headersOf(fetch)["If-Match"]).toBe('"3"');
    expect((fetch.mock.calls[0][1] as RequestInit).method).toBe("PUT");
    await request("/x", { method: "PUT", body: {}, ifMatch: "*" });
    expect(headersOf(fetch, 1)["If-Match"]).toBe("*");
  });
});

describe("sseParser", () => {
  it("splits events across chunks, joins data lines and skips comments", () => {
    const parse = sseParser();
    expect(parse(": waiting\n\nevent: line\nid: 4\nda")).toEqual([]);
    expect(parse('ta: {"a":1}\n\nevent: end\r\ndata: x\r\ndata: y\r\n\r\n')).toEqual([
      { event: "line", id: "4", data: '{"a":1}' },
      { event: "end", data: "x\ny", id: undefined },
    ]);
  });
});

describe("streamLogs", () => {
  it("reads line events with the bearer token, after the last line seen, until end", async () => {
    setToken("tok");
    const s = sseStream();
    const fetch = mockFetch(() => s.response());
    const lines: LogLine[] = [];
    const onEnd = vi.fn();
    const done = streamLogs("j1", 7, { onLine: (l) => lines.push(l), onEnd }, new AbortController().signal);
    s.line(logLine(8, "first"));
    s.push(": waiting\n\n");
    s.line(logLine(9, "second"));
    s.end("succeeded");
    await done;
    expect(lines.map((l) => l.message)).toEqual(["first", "second"]);
    expect(onEnd).toHaveBeenCalledWith("succeeded");
    expect(String(fetch.mock.calls[0][0])).toBe("/api/v1/jobs/j1/logs:stream?page_token=7");
    expect(headersOf(fetch).Authorization).toBe("Bearer tok");
    expect(headersOf(fetch).Accept).toBe("text/event-stream");
  });

  it("rejects with the problem when the stream cannot be opened", async () => {
    mockFetch(() => json(404, { title: "Not Found", status: 404, code: "NOT_FOUND" }));
    const err = await streamLogs("j1", undefined, { onLine: () => {}, onEnd: () => {} }, new AbortController().signal).catch((e: unknown) => e);
    expect((err as ApiError).status).toBe(404);
  });
});

describe("RateLimit headers", () => {
  it("parses the structured field and the legacy trio", () => {
    expect(parseRateLimitItem('"minute";r=187;t=12, "hour";r=4000;t=100')).toEqual({ name: "minute", params: { r: 187, t: 12 } });
    noteRateLimit(
      new Headers({
        RateLimit: '"minute";r=187;t=12',
        "RateLimit-Policy": '"minute";q=250;w=60, "hour";q=5000;w=3600',
        "RateLimit-Limit": "250",
        "RateLimit-Remaining": "187",
        "RateLimit-Reset": "12",
      }),
    );
    expect(rateLimitSnapshot()).toMatchObject({ policy: "minute", limit: 250, remaining: 187, reset: 12, window: 60 });
    noteRateLimit(new Headers({ "RateLimit-Limit": "60", "RateLimit-Remaining": "3", "RateLimit-Reset": "40" }));
    expect(rateLimitSnapshot()).toMatchObject({ policy: undefined, limit: 60, remaining: 3, reset: 40 });
    noteRateLimit(new Headers({ "Content-Type": "application/json" }));
    expect(rateLimitSnapshot()?.remaining).toBe(3);
  });

  it("records the headers of every API answer, refused ones too", async () => {
    mockFetch(() => json(429, { title: "Too Many Requests", status: 429, code: "RATE_LIMITED" }, { RateLimit: '"mutations";r=0;t=30', "Retry-After": "30" }));
    const err = await request("/api/v1/jobs", { method: "POST", body: {} }).catch((e: unknown) => e);
    expect((err as ApiError).problem.retry_after).toBe(30);
    expect(rateLimitSnapshot()).toMatchObject({ policy: "mutations", remaining: 0, reset: 30 });
  });
});
