// Tests for a cluster's Cost tab: totals and the per-resource breakdown are the served strings, pools are named; a
// server without the route says so.
import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { CLUSTER_ID, mockApi, POOL_ID } from "../test/api";
import { renderWithProviders } from "../test/render";
import { ClusterCostTab } from "./ClusterCostTab";

describe("ClusterCostTab", () => {
  it("shows month to date, projection, burn rate and each resource verbatim", async () => {
    mockApi({
      [`GET /api/v1/clusters/${CLUSTER_ID}/cost`]: {
        cluster_id: CLUSTER_ID, month_to_date: "1.071428", projected_month_end: "48.00", burn_rate_hourly: "0.071428", as_of: "2026-12-03T10:00:00Z",
        resources: [
          { resource_id: "n1", name: "workers-1", size: "s-2vcpu-4gb", node_pool_id: POOL_ID, month_to_date: "0.535714", burn_rate_hourly: "0.035714", projected_month_end: "24.00", capped: true },
          { resource_id: "n2", name: "workers-2", size: "s-2vcpu-4gb", node_pool_id: POOL_ID, month_to_date: "0.535714", burn_rate_hourly: "0.035714", projected_month_end: "24.00", capped: true },
        ],
      },
    });
    renderWithProviders(<ClusterCostTab clusterId={CLUSTER_ID} poolNames={{ [POOL_ID]: "workers" }} />);
    expect((await screen.findByTestId("cost-mtd")).textContent).toBe("$1.071428");
    expect(screen.getByTestId("cost-projected").textContent).toBe("$48.00");
    expect(screen.getByTestId("cost-burn").textContent).toBe("$0.071428/h");
    const rows = screen.getAllByTestId("cost-row");
    expect(rows).toHaveLength(2);
    expect(within(rows[0]).getByText("workers")).toBeTruthy();
    expect(rows[0].textContent).toContain("$0.535714");
    expect(rows[0].textContent).toContain("$24.00 capped");
  });

  it("says so when the server has no cost route", async () => {
    mockApi({});
    renderWithProviders(<ClusterCostTab clusterId={CLUSTER_ID} />);
    expect(await screen.findByTestId("cost-unavailable")).toBeTruthy();
  });
});
