// Page test for /events: the first page of the audit feed, live events from the stream put on top (deduplicated),
// filters by aggregate type and id sent to the list, and the stream status shown.
import { fireEvent, screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { calls, mockApi, sseStream } from "../test/api";
import { json } from "../test/http";
import { renderRoute } from "../test/render";
import type { AuditEvent } from "../api/events";

function ev(id: string, kind: string, type: string, message = "", second = 0): AuditEvent {
  return {
    kind: "event",
    id,
    type,
    schema_version: 1,
    aggregate: { kind, id: `0193a0c4-0000-7000-8000-00000000000${id.slice(-1)}` },
    aggregate_version: 1,
    command: `${kind}.create`,
    principal: "dev",
    owner: "dev",
    correlation_id: "c",
    partition: 0,
    offset: 1,
    position: "0:65536",
    recorded_at: `2026-12-01T10:00:0${second}Z`,
    summary: message ? { message } : {},
  };
}

describe("EventsPage", () => {
  it("shows the feed, puts live events on top once, and filters by aggregate type and id", async () => {
    const sse = sseStream();
    const fetch = mockApi({
      "GET /api/v1/events": (u: URL) =>
        json(200, {
          events: u.searchParams.get("aggregate_type") === "cluster" ? [ev("e2", "cluster", "cluster.created", "Cluster prod created")] : [ev("e1", "droplet", "droplet.creation_requested")],
          meta: { total: 1 },
        }),
      "GET /api/v1/events:stream": () => sse.response(),
    });
    renderRoute("/events");
    expect(await screen.findByText(/droplet\.creation_requested/)).toBeTruthy();
    sse.push(`event: ready\nid: 0:1\ndata: {}\n\n`);
    await waitFor(() => expect(screen.getByTestId("stream-status").textContent).toBe("live"));
    sse.push(`event: audit\nid: 0:2\ndata: ${JSON.stringify(ev("e3", "job", "job.enqueued", "", 5))}\n\n`);
    sse.push(`event: audit\nid: 0:3\ndata: ${JSON.stringify(ev("e1", "droplet", "droplet.creation_requested"))}\n\n`);
    await screen.findByText(/job\.enqueued/);
    const rows = screen.getAllByTestId("event-row");
    expect(rows).toHaveLength(2);
    expect(rows[0].textContent).toContain("job.enqueued");

    fireEvent.change(screen.getByLabelText("Aggregate type"), { target: { value: "cluster" } });
    expect(await screen.findByText("Cluster prod created")).toBeTruthy();
    fireEvent.change(screen.getByLabelText("Aggregate id"), { target: { value: "abc" } });
    await waitFor(() => {
      const last = calls(fetch).filter((c) => c.url.pathname === "/api/v1/events").at(-1)!;
      expect(Object.fromEntries(last.url.searchParams)).toMatchObject({ aggregate_type: "cluster", aggregate_id: "abc" });
    });
    // A live event of another type does not show under the cluster filter.
    sse.push(`event: audit\nid: 0:4\ndata: ${JSON.stringify(ev("e4", "droplet", "droplet.renamed"))}\n\n`);
    // A matching event sent after it shows, so the one before it was seen and left out.
    const matching = { ...ev("e5", "cluster", "cluster.renamed"), aggregate: { kind: "cluster", id: "abc" } };
    sse.push(`event: audit\nid: 0:5\ndata: ${JSON.stringify(matching)}\n\n`);
    expect(await screen.findByText(/cluster\.renamed/)).toBeTruthy();
    expect(screen.queryByText(/droplet\.renamed/)).toBeNull();
  });

  it("is in the sidebar", async () => {
    mockApi({ "GET /api/v1/events": { events: [], meta: { total: 0 } } });
    renderRoute("/events");
    expect(screen.getByTestId("nav-events").getAttribute("href")).toBe("/events");
    expect(await screen.findByText("No events yet.")).toBeTruthy();
  });
});
