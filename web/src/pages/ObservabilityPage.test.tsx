// Page tests for /observability: worker pool with leases and first queued job links, partition ownership, projection lag
// highlighted per lagging partition, and the periodic refresh; the Grafana embed (and its absence) and the trace log lookup.
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { calls, mockApi } from "../test/api";
import { json } from "../test/http";
import { renderRoute } from "../test/render";

const WORKERS = {
  instances: [
    {
      instance: "writer-a",
      size: 4,
      busy: 1,
      queue_capacity: 100,
      leases: [{ job_id: "job-aaaaaaaa-1", queue: "default", lease_until: "2026-12-02T16:00:30Z" }],
      first_queued: ["job-bbbbbbbb-2", "job-cccccccc-3"],
      published_at: "2026-12-02T16:00:00Z",
    },
  ],
};
const PARTITIONS = {
  partitions: [
    { partition: 0, owner: "writer-a", epoch: 3, phase: "serving", next_offset: 123, published_at: "2026-12-02T16:00:00Z" },
    { partition: 1, owner: null, epoch: 0, phase: "unowned", next_offset: 0, published_at: "2026-12-02T16:00:00Z" },
  ],
};
const PROJECTION = {
  projection: "read_models_v1",
  partitions: [
    { partition: 0, checkpoint: 123, high_watermark: 130, lag_records: 7, lag_seconds: 0.4 },
    { partition: 1, checkpoint: 10, high_watermark: 900, lag_records: 890, lag_seconds: 12.5 },
  ],
  published_at: "2026-12-02T16:00:00Z",
};

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const LINE = { id: 7, service: "command-api", level: "info", ts: "2026-12-02T16:00:01Z", message: "command accepted", job_id: null, attempt: null, trace_id: TRACE };
const JOB_LINE = { ...LINE, id: 8, service: "worker", message: "step 1 of 2", job_id: "0193b000-0000-7000-8000-0000000000j1", attempt: 1 };

function obsApi(grafana: unknown = { url: null, demo_dashboard: "cg-demo" }, more: Record<string, unknown> = {}) {
  return mockApi({
    "GET /api/v1/observability/workers": WORKERS,
    "GET /api/v1/observability/partitions": PARTITIONS,
    "GET /api/v1/observability/projection": PROJECTION,
    "GET /api/v1/observability/grafana": grafana,
    ...more,
  });
}

describe("ObservabilityPage", () => {
  it("shows the worker pool with leases and links to the first queued jobs", async () => {
    obsApi();
    renderRoute("/observability");
    const pool = await screen.findByTestId("worker-instance");
    expect(within(pool).getByText("writer-a")).toBeTruthy();
    expect(within(pool).getByRole("progressbar").textContent).toContain("1 of 4 workers busy");
    expect(within(pool).getByTestId("lease-row").textContent).toContain("default");
    expect(within(pool).getByText("job-aaaa").getAttribute("href")).toBe("/jobs/job-aaaaaaaa-1");
    expect(within(pool).getAllByTestId("queued-job").map((a) => a.getAttribute("href"))).toEqual(["/jobs/job-bbbbbbbb-2", "/jobs/job-cccccccc-3"]);
  });

  it("shows partition ownership with owner, epoch, phase and next offset", async () => {
    obsApi();
    renderRoute("/observability");
    const rows = await screen.findAllByTestId("partition-row");
    expect(rows[0].textContent).toContain("writer-a");
    expect(rows[0].children[2].textContent).toBe("3");
    expect(within(rows[0]).getByText("serving")).toBeTruthy();
    expect(rows[0].children[4].textContent).toBe("123");
    expect(rows[1].children[1].textContent).toBe("none");
    expect(rows[1].getAttribute("data-phase")).toBe("unowned");
  });

  it("highlights lagging partitions of the projection and refreshes", async () => {
    const fetch = obsApi();
    renderRoute("/observability");
    const rows = await screen.findAllByTestId("projection-row");
    expect(rows[0].getAttribute("data-lagging")).toBe("false");
    expect(rows[0].children[3].textContent).toBe("7");
    expect(rows[0].children[4].textContent).toBe("400 ms");
    expect(rows[1].getAttribute("data-lagging")).toBe("true");
    expect(rows[1].className).toContain("lagging");
    expect(rows[1].children[4].textContent).toBe("12.5 s");
    expect(screen.getByTestId("projection-summary").textContent).toBe("1 partition(s) lagging");
    await waitFor(() => expect(calls(fetch).filter((c) => c.url.pathname === "/api/v1/observability/projection").length).toBeGreaterThanOrEqual(2), { timeout: 6000 });
  }, 15_000);

  it("embeds cg-demo in kiosk mode when Grafana is configured, with the cluster variable", async () => {
    obsApi({ url: "http://grafana.example:3000/", demo_dashboard: "cg-demo" });
    renderRoute("/observability?cluster=c-1");
    const frame = await screen.findByTestId("grafana-embed");
    const src = new URL(frame.getAttribute("src") ?? "");
    expect(src.origin + src.pathname).toBe("http://grafana.example:3000/d/cg-demo/cg-demo");
    expect(src.searchParams.has("kiosk")).toBe(true);
    expect(src.searchParams.get("from")).toBe("now-1h");
    expect(src.searchParams.get("var-cluster")).toBe("c-1");
    const open = new URL(screen.getByTestId("grafana-open").getAttribute("href") ?? "");
    expect(open.searchParams.has("kiosk")).toBe(false);
    expect(screen.queryByTestId("grafana-missing")).toBeNull();
  });

  it("says how to configure Grafana when no URL is set", async () => {
    obsApi();
    renderRoute("/observability");
    expect((await screen.findByTestId("grafana-missing")).textContent).toContain("CG_GRAFANA_URL");
    expect(screen.queryByTestId("grafana-embed")).toBeNull();
  });

  it("looks up the log lines of a trace id across services, page by page", async () => {
    const fetch = obsApi(undefined, {
      "GET /api/v1/observability/logs": (u: URL) =>
        u.searchParams.get("page_token") ? json(200, { lines: [JOB_LINE], meta: { total: 2 }, links: {} }) : json(200, { lines: [LINE], next_page_token: "7", meta: { total: 2 }, links: {} }),
    });
    renderRoute("/observability");
    const input = await screen.findByTestId("trace-id");
    fireEvent.change(input, { target: { value: "not-a-trace" } });
    expect((screen.getByTestId("trace-search") as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(input, { target: { value: TRACE } });
    fireEvent.click(screen.getByTestId("trace-search"));
    await waitFor(() => expect(screen.getAllByTestId("trace-line")).toHaveLength(1));
    fireEvent.click(screen.getByTestId("trace-more"));
    await waitFor(() => expect(screen.getAllByTestId("trace-line")).toHaveLength(2));
    const rows = screen.getAllByTestId("trace-line");
    expect(rows[0].textContent).toContain("command accepted");
    expect(within(rows[1]).getByRole("link").getAttribute("href")).toBe(`/jobs/${JOB_LINE.job_id}`);
    const asked = calls(fetch).filter((c) => c.url.pathname === "/api/v1/observability/logs");
    expect(asked.map((c) => [c.url.searchParams.get("trace_id"), c.url.searchParams.get("page_token")])).toEqual([
      [TRACE, null],
      [TRACE, "7"],
    ]);
    expect(screen.queryByTestId("trace-more")).toBeNull();
  });

  it("opens the lines of ?trace_id= at once", async () => {
    obsApi(undefined, { "GET /api/v1/observability/logs": { lines: [LINE], meta: { total: 1 }, links: {} } });
    renderRoute(`/observability?trace_id=${TRACE}`);
    expect((await screen.findByTestId("trace-line")).textContent).toContain("command-api");
  });
});
