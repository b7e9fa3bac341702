// Unit tests for the fetch wrapper: headers sent and RFC 9457 problem parsing.
import { describe, expect, it } from "vitest";
import { ApiError, errorText, pendingConsistencyToken, query, request, setToken, uuidv4 } from "./client";
import { buildFilter, dropletAction, listDroplets } from "./droplets";
import { headersOf, json, mockFetch } from "../test/http";

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("request", () => {
  it("sends the bearer token and no idempotency key on GET", async () => {
    setToken("  tok-123 ");
    const fetch = mockFetch(() => json(200, { ok: true }, { ETag: '"4"' }));
    const res = await request<{ ok: boolean }>("/api/v1/droplets/x");
    const h = headersOf(fetch);
    expect(h.Authorization).toBe("Bearer tok-123");
    expect(h["Idempotency-Key"]).toBeUndefined();
    expect(res.data.ok).toBe(true);
    expect(res.etag).toBe('"4"');
  });

  it("sends a fresh uuid v4 Idempotency-Key, If-Match and JSON body on mutations", async () => {
    setToken("t");
    const fetch = mockFetch(() => json(202, {}, { "Consistency-Token": "3:17" }));
    const res = await dropletAction("abc", 7, "rename", "web-2");
    await dropletAction("abc", 7, "reboot");
    const [first, second] = [headersOf(fetch, 0), headersOf(fetch, 1)];
    expect(first["Idempotency-Key"]).toMatch(UUID_V4);
    expect(second["Idempotency-Key"]).not.toBe(first["Idempotency-Key"]);
    expect(first["If-Match"]).toBe('"7"');
    expect(first["Content-Type"]).toBe("application/json");
    const init = fetch.mock.calls[0][1] as RequestInit;
    expect(fetch.mock.calls[0][0]).toBe("/api/v1/droplets/abc/actions");
    expect(init.method).toBe("POST");
    expect(JSON.parse(init.body as string)).toEqual({ type: "rename", name: "web-2" });
    expect(res.consistencyToken).toBe("3:17");
  });

  it("sends X-Min-Consistency-Token and same-origin relative list URLs", async () => {
    const fetch = mockFetch(() => json(200, { droplets: [], meta: { total: 0 } }));
    await listDroplets({ status: "active", region: "nyc1", pageToken: "AAEC" }, "2:99");
    const url = new URL(fetch.mock.calls[0][0] as string, "http://x");
    expect(fetch.mock.calls[0][0]).toMatch(/^\/api\/v1\/droplets\?/);
    expect(url.searchParams.get("filter")).toBe('status="active" AND region="nyc1"');
    expect(url.searchParams.get("page_token")).toBe("AAEC");
    expect(headersOf(fetch)["X-Min-Consistency-Token"]).toBe("2:99");
  });

  it("parses problem+json into an ApiError with field errors", async () => {
    mockFetch(() =>
      json(422, {
        type: "https://docs.clustergenie.dev/problems/validation-failed",
        title: "The request is not valid",
        status: 422,
        detail: "2 fields are invalid.",
        code: "VALIDATION_FAILED",
        request_id: "rid-1",
        errors: [
          { pointer: "#/size", code: "UNKNOWN_SIZE", detail: "size s-9 is not offered in nyc1" },
          { pointer: "#/name", code: "INVALID_NAME", detail: "bad name" },
        ],
      }),
    );
    const err = await request("/api/v1/droplets", { method: "POST", body: {} }).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(422);
    expect(err.problem.code).toBe("VALIDATION_FAILED");
    expect(err.problem.request_id).toBe("rid-1");
    expect(err.message).toBe("2 fields are invalid.");
    expect(err.fieldErrors()).toEqual({ size: "size s-9 is not offered in nyc1", name: "bad name" });
  });

  it("marks 412 as stale and survives non-JSON error bodies", async () => {
    mockFetch(() => json(412, { title: "Precondition failed", status: 412, code: "PRECONDITION_FAILED" }));
    const stale = await request("/api/v1/droplets/a", { method: "DELETE", ifMatch: 1 }).catch((e) => e);
    expect(stale.isStale).toBe(true);

    mockFetch(() => new Response("upstream down", { status: 502, statusText: "Bad Gateway", headers: { "X-Request-Id": "r9" } }));
    const bad = await request("/api/v1/droplets").catch((e) => e);
    expect(bad).toBeInstanceOf(ApiError);
    expect(bad.problem).toMatchObject({ status: 502, title: "Bad Gateway", detail: "upstream down", request_id: "r9" });
  });

  it("turns a network failure into a status-0 ApiError", async () => {
    mockFetch(() => {
      throw new TypeError("fetch failed");
    });
    const err = await request("/api/v1/droplets").catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(0);
  });
});

describe("read-your-writes", () => {
  it("sends the last mutation's Consistency-Token on reads until one read is not stale", async () => {
    let stale = true;
    const fetch = mockFetch((_url, init) =>
      init.method === "POST"
        ? json(202, {}, { "Consistency-Token": "4:20" })
        : json(200, {}, stale ? { "X-Consistency": "stale" } : {}),
    );
    await request("/api/v1/clusters", { method: "POST", body: {} });
    expect(headersOf(fetch, 0)["X-Min-Consistency-Token"]).toBeUndefined();
    expect(pendingConsistencyToken()).toBe("4:20");
    await request("/api/v1/clusters/x");
    expect(headersOf(fetch, 1)["X-Min-Consistency-Token"]).toBe("4:20");
    stale = false;
    await request("/api/v1/clusters/x");
    expect(headersOf(fetch, 2)["X-Min-Consistency-Token"]).toBe("4:20");
    await request("/api/v1/clusters/x");
    expect(headersOf(fetch, 3)["X-Min-Consistency-Token"]).toBeUndefined();
    expect(pendingConsistencyToken()).toBeUndefined();
  });

  it("sends PATCH bodies as merge-patch and supports If-Match: *", async () => {
    const fetch = mockFetch(() => json(200, {}));
    await request("/api/v1/droplets/a", { method: "PATCH", body: { tags: [] }, ifMatch: 3 });
    await request("/api/v1/clusters/a", { method: "DELETE", ifMatch: "*" });
    expect(headersOf(fetch, 0)["Content-Type"]).toBe("application/merge-patch+json");
    expect(headersOf(fetch, 0)["If-Match"]).toBe('"3"');
    expect(headersOf(fetch, 1)["If-Match"]).toBe("*");
    expect(headersOf(fetch, 1)["Content-Type"]).toBeUndefined();
    expect(headersOf(fetch, 1)["Idempotency-Key"]).toMatch(UUID_V4);
  });

  it("returns Location and Operation-Location", async () => {
    mockFetch(() => json(202, {}, { Location: "/api/v1/clusters/c1", "Operation-Location": "/api/v1/operations/o1" }));
    const res = await request("/api/v1/clusters", { method: "POST", body: {} });
    expect(res.location).toBe("/api/v1/clusters/c1");
    expect(res.operationLocation).toBe("/api/v1/operations/o1");
  });
});

describe("helpers", () => {
  it("keys field errors by their full pointer", () => {
    const err = new ApiError({
      type: "about:blank",
      title: "t",
      status: 422,
      errors: [
        { pointer: "#/node_pools/0/count", code: "OUT_OF_RANGE", detail: "count must be between 1 and 100" },
        { pointer: "#/name", code: "INVALID_NAME", detail: "bad" },
      ],
    });
    expect(err.fieldErrorsByPointer()).toEqual({ "node_pools/0/count": "count must be between 1 and 100", name: "bad" });
    expect(err.fieldErrors().node_pools).toBe("count must be between 1 and 100");
  });

  it("builds query strings from the defined values only", () => {
    expect(query({})).toBe("");
    expect(query({ a: "x y", b: undefined, c: "", d: 2, e: true })).toBe("?a=x+y&d=2&e=true");
  });

  it("turns errors into one line of text", () => {
    expect(errorText(new ApiError({ type: "t", title: "Title", status: 409, detail: "busy" }))).toBe("busy");
    expect(errorText(new ApiError({ type: "t", title: "Stale", status: 412 }))).toBe("Changed by someone else — reload.");
    expect(errorText(new Error("boom"))).toBe("boom");
  });

  it("builds AIP-160 filters with a name prefix wildcard", () => {
    expect(buildFilter({})).toBe("");
    expect(buildFilter({ name: 'we"b' })).toBe('name="web*"');
    expect(buildFilter({ status: "new", name: "db*" })).toBe('status="new" AND name="db*"');
  });

  it("generates distinct v4 uuids", () => {
    const a = uuidv4();
    expect(a).toMatch(UUID_V4);
    expect(uuidv4()).not.toBe(a);
  });
});
