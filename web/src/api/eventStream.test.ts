// The shared event stream client: resumes with the last cursor after a break and after an overflow, tells pages
// when it is live or down, closes when the last listener leaves, and stops on 401.
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "./client";
import type { AuditEvent, StreamHandlers } from "./events";
import { EventStream, type StreamStatus } from "./eventStream";
import { streamEvents } from "./events";
import { mockFetch } from "../test/http";
import { sseStream } from "../test/api";

function ev(id: string, kind = "droplet"): AuditEvent {
  return {
    kind: "event",
    id,
    type: `${kind}.renamed`,
    schema_version: 1,
    aggregate: { kind, id: `agg-${id}` },
    aggregate_version: 2,
    command: `${kind}.rename`,
    principal: "dev",
    owner: "dev",
    correlation_id: "c",
    partition: 0,
    offset: 1,
    position: "0:65536",
    recorded_at: "2026-12-01T10:00:00Z",
    summary: {},
  };
}

type Script = (handlers: StreamHandlers, signal: AbortSignal) => Promise<void>;

/** An `open` that plays one script per connection and records the Last-Event-ID each was opened with. */
function scripted(...scripts: Script[]) {
  const opened: (string | undefined)[] = [];
  const open = vi.fn(async (last: string | undefined, handlers: StreamHandlers, signal: AbortSignal) => {
    opened.push(last);
    const script = scripts[opened.length - 1] ?? hang;
    await script(handlers, signal);
  });
  return { open, opened };
}

/** Stays open until aborted. */
const hang: Script = (_h, signal) => new Promise((resolve) => signal.addEventListener("abort", () => resolve()));
const networkBreak = () => new ApiError({ type: "about:blank", title: "Stream closed", status: 0 });

describe("EventStream", () => {
  afterEach(() => vi.useRealTimers());

  it("reconnects after a break with the last cursor, so nothing is lost or repeated", async () => {
    const { open, opened } = scripted(
      async (h) => {
        h.onReady("c0");
        h.onEvent(ev("e1"), "c1");
        h.onEvent(ev("e2"), "c2");
        throw networkBreak();
      },
      async (h, signal) => {
        h.onReady("c2");
        h.onEvent(ev("e3"), "c3");
        await hang(h, signal);
      },
    );
    const stream = new EventStream({ open, backoff: () => 0 });
    const statuses: StreamStatus[] = [];
    stream.onStatus((s) => statuses.push(s));
    const got: string[] = [];
    const stop = stream.subscribe((e) => got.push(e.id));
    await vi.waitFor(() => expect(got).toEqual(["e1", "e2", "e3"]));
    expect(opened).toEqual([undefined, "c2"]);
    expect(stream.lastEventId).toBe("c3");
    expect(statuses).toEqual(["connecting", "live", "down", "live"]);
    stop();
    expect(stream.status).toBe("idle");
  });

  it("reopens at once from the overflow's cursor", async () => {
    const { open, opened } = scripted(async (h) => {
      h.onReady("c0");
      h.onEvent(ev("e1"), "c1");
      h.onOverflow("c1");
    });
    const stream = new EventStream({ open, backoff: () => 60_000 });
    const stop = stream.subscribe(() => {});
    await vi.waitFor(() => expect(opened).toEqual([undefined, "c1"]));
    stop();
  });

  it("is down between failed attempts, backing off, and stops for good on 401", async () => {
    vi.useFakeTimers();
    const { open, opened } = scripted(
      async () => {
        throw networkBreak();
      },
      async () => {
        throw new ApiError({ type: "about:blank", title: "Unauthenticated", status: 401, code: "UNAUTHENTICATED" });
      },
    );
    const delays: number[] = [];
    const stream = new EventStream({
      open,
      backoff: (n) => {
        delays.push(n);
        return 0;
      },
    });
    const stop = stream.subscribe(() => {});
    await vi.waitFor(() => expect(opened).toHaveLength(2));
    await vi.waitFor(() => expect(stream.status).toBe("down"));
    expect(delays).toEqual([1]);
    // Every pending timer and promise settled: no reconnect after the 401.
    await vi.runAllTimersAsync();
    expect(delays).toEqual([1]);
    expect(opened).toHaveLength(2);
    stop();
  });

  it("closes the connection when the last listener leaves", async () => {
    let aborted = false;
    const { open } = scripted(async (h, signal) => {
      h.onReady("c0");
      signal.addEventListener("abort", () => (aborted = true));
      await hang(h, signal);
    });
    const stream = new EventStream({ open, backoff: () => 0 });
    const a = stream.subscribe(() => {});
    const b = stream.subscribe(() => {});
    await vi.waitFor(() => expect(stream.status).toBe("live"));
    a();
    expect(aborted).toBe(false);
    b();
    expect(aborted).toBe(true);
    expect(open).toHaveBeenCalledTimes(1);
  });
});

describe("streamEvents", () => {
  it("sends the token and Last-Event-ID and hands over ready, audit and overflow events", async () => {
    const sse = sseStream();
    const fetch = mockFetch(() => sse.response());
    const seen: string[] = [];
    const done = streamEvents(
      "0:5",
      {
        onReady: (c) => seen.push(`ready ${c}`),
        onEvent: (e, c) => seen.push(`${e.id} ${c}`),
        onOverflow: (c) => seen.push(`overflow ${c}`),
      },
      new AbortController().signal,
    );
    sse.push(`retry: 2000\nevent: ready\nid: 0:5\ndata: {"cursor":"0:5"}\n\n: heartbeat\n\n`);
    sse.push(`event: audit\nid: 0:6\ndata: ${JSON.stringify(ev("e1"))}\n\n`);
    sse.push(`event: overflow\nid: 0:6\ndata: {"resume":true}\n\n`);
    await done;
    expect(seen).toEqual(["ready 0:5", "e1 0:6", "overflow 0:6"]);
    const init = fetch.mock.calls[0][1] as RequestInit;
    expect(String(fetch.mock.calls[0][0])).toBe("/api/v1/events:stream");
    expect((init.headers as Record<string, string>)["Last-Event-ID"]).toBe("0:5");
  });
});
