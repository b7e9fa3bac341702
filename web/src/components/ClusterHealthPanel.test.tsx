// Tests for the health panel: the status badge, the window, each issue with its evidence and node name; healthy with
// no issues; a 404 problem for an unknown cluster.
import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { CLUSTER_ID, mockApi } from "../test/api";
import { json } from "../test/http";
import { renderWithProviders } from "../test/render";
import { ClusterHealthPanel } from "./ClusterHealthPanel";

const PATH = `GET /api/v1/clusters/${CLUSTER_ID}/health`;

function health(over: Record<string, unknown> = {}) {
  return { kind: "cluster_health", cluster_id: CLUSTER_ID, status: "healthy", issues: [], evaluated_at: "2026-12-03T07:00:00Z", window: "PT300S", window_seconds: 300, ...over };
}

describe("ClusterHealthPanel", () => {
  it("shows the worst severity and every issue with its evidence", async () => {
    mockApi({
      [PATH]: health({
        status: "critical",
        issues: [
          { node_id: "n1", metric: "memory", value: 91.5, threshold: 85, unit: "%", severity: "critical", sampled_at: "2026-12-03T06:59:50Z", message: "memory at 91.5% is over 85% on node n1" },
          { node_id: "n2", metric: "cpu", value: 83, threshold: 80, unit: "%", severity: "warning", sampled_at: "2026-12-03T06:59:50Z", message: "cpu at 83% is over 80% on node n2" },
        ],
      }),
    });
    renderWithProviders(<ClusterHealthPanel clusterId={CLUSTER_ID} nodeNames={{ n1: "node-one" }} />);
    const badge = await screen.findByTestId("health-status");
    expect(badge.textContent).toBe("critical");
    expect(badge.getAttribute("aria-label")).toBe("Health: critical");
    expect(screen.getByTestId("cluster-health").textContent).toContain("over the last 5 min");
    const rows = screen.getAllByTestId("health-issue");
    expect(rows.map((r) => r.getAttribute("data-severity"))).toEqual(["critical", "warning"]);
    expect(rows[0].textContent).toContain("node-one");
    expect(rows[0].textContent).toContain("91.5%");
    expect(rows[0].textContent).toContain("> 85%");
    expect(rows[1].textContent).toContain("n2");
  });

  it("says healthy when no threshold is crossed", async () => {
    mockApi({ [PATH]: health() });
    renderWithProviders(<ClusterHealthPanel clusterId={CLUSTER_ID} nodeNames={{}} />);
    expect((await screen.findByTestId("health-status")).textContent).toBe("healthy");
    expect(screen.getByText(/No threshold crossed/)).toBeTruthy();
  });

  it("shows the problem of an unknown cluster", async () => {
    mockApi({ [PATH]: () => json(404, { title: "Not Found", status: 404, code: "NOT_FOUND", detail: "cluster not found" }) });
    renderWithProviders(<ClusterHealthPanel clusterId={CLUSTER_ID} nodeNames={{}} />);
    expect((await screen.findByRole("alert")).textContent).toContain("cluster not found");
  });
});
