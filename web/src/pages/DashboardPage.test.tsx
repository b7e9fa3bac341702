// Page tests for /: counts (droplets, clusters, operations, jobs) come from meta.total of filtered one-row pages; readiness checks and recent operations are shown.
import { screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { mockApi, operation } from "../test/api";
import { json } from "../test/http";
import { renderRoute } from "../test/render";

describe("DashboardPage", () => {
  it("shows counts, readiness and recent operations", async () => {
    mockApi({
      "GET /readyz": { status: "ready", checks: { mariadb: { status: "up" }, redis: { status: "down" } } },
      "GET /api/v1/droplets": (u: URL) => json(200, { droplets: [], meta: { total: u.searchParams.get("filter") === 'status="active"' ? 5 : 8 } }),
      "GET /api/v1/clusters": (u: URL) => json(200, { clusters: [], meta: { total: u.searchParams.get("status") === "running" ? 2 : 3 } }),
      "GET /api/v1/jobs": (u: URL) => json(200, { jobs: [], meta: { total: { running: 2, queued: 7, dead: 1 }[u.searchParams.get("status") ?? ""] ?? 0 } }),
      "GET /api/v1/operations": (u: URL) => {
        const status = u.searchParams.get("status");
        if (status) return json(200, { operations: [], meta: { total: status === "running" ? 4 : 1 } });
        return json(200, { operations: [operation()], meta: { total: 1 } });
      },
    });
    renderRoute("/");
    await waitFor(() => expect(screen.getByTestId("dash-droplets").textContent).toContain("8"));
    expect(screen.getByTestId("dash-droplets").textContent).toContain("5 active");
    expect(screen.getByTestId("dash-clusters").textContent).toContain("2 running");
    expect(screen.getByTestId("dash-operations").textContent).toContain("5");
    expect(screen.getByTestId("dash-operations").textContent).toContain("4 running, 1 pending");
    await waitFor(() => expect(screen.getByTestId("dash-jobs").textContent).toContain("9"));
    expect(screen.getByTestId("dash-jobs").textContent).toContain("2 running, 7 queued, 1 dead");
    expect((await screen.findByTestId("dash-readiness")).textContent).toBe("ready");
    expect(screen.getByText("redis:").parentElement!.textContent).toContain("down");
    expect(await screen.findByText("cluster.create")).toBeTruthy();
  });
});
