// Page tests for /observability: worker pool with leases and first queued job links, partition ownership, projection lag
// highlighted per lagging partition, and the periodic refresh.
import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { calls, mockApi } from "../test/api";
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

function obsApi() {
  return mockApi({
    "GET /api/v1/observability/workers": WORKERS,
    "GET /api/v1/observability/partitions": PARTITIONS,
    "GET /api/v1/observability/projection": PROJECTION,
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
});
