// Tests for the Metrics tab: one paged read per type with `since` (next_page_token followed), a chart per type with
// one line per node named as in the pools, and the 80/85/90 thresholds on cpu/memory/disk (none on network).
import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { calls, CLUSTER_ID, mockApi } from "../test/api";
import { json } from "../test/http";
import { renderWithProviders } from "../test/render";
import { ClusterMetrics } from "./ClusterMetrics";

const BASE = `/api/v1/clusters/${CLUSTER_ID}/metrics`;

function sample(type: string, node: string, value: number, at: string) {
  return { kind: "metric_sample", id: `${type}-${node}-${at}`, cluster_id: CLUSTER_ID, node_id: node, type, value, unit: type === "network" ? "Mbps" : "%", sampled_at: at, source: "simulator" };
}

describe("ClusterMetrics", () => {
  it("reads every page of each type since 15 minutes ago and charts one line per node", async () => {
    const fetch = mockApi({
      [`GET ${BASE}`]: (u: URL) => {
        const type = u.searchParams.get("type")!;
        if (type === "cpu" && !u.searchParams.get("page_token")) {
          return json(200, { metrics: [sample("cpu", "n1", 91, "2026-12-03T07:01:00Z"), sample("cpu", "n2", 40, "2026-12-03T07:01:00Z")], next_page_token: "p2", meta: { total: 4 } });
        }
        if (type === "cpu") return json(200, { metrics: [sample("cpu", "n1", 50, "2026-12-03T07:00:00Z"), sample("cpu", "n2", 30, "2026-12-03T07:00:00Z")], meta: { total: 4 } });
        return json(200, { metrics: [sample(type, "n1", type === "network" ? 120 : 60, "2026-12-03T07:00:00Z")], meta: { total: 1 } });
      },
    });
    renderWithProviders(<ClusterMetrics clusterId={CLUSTER_ID} nodeNames={{ n1: "node-one" }} />);
    const cpu = await screen.findByTestId("chart-cpu");
    expect(within(cpu).getByRole("img").getAttribute("aria-labelledby")).toBeTruthy();
    expect(cpu.querySelector("figcaption")?.textContent).toBe("CPU per node, last 15 min (%)");
    expect(within(cpu).getAllByTestId("chart-line")).toHaveLength(2);
    expect(within(cpu).getAllByTestId("chart-legend-item").map((l) => l.textContent)).toEqual(["n2: 40%", "node-one: 91%"]);
    expect(within(cpu).getByTestId("chart-threshold").getAttribute("data-value")).toBe("80");
    expect(within(screen.getByTestId("chart-memory")).getByTestId("chart-threshold").getAttribute("data-value")).toBe("85");
    expect(within(screen.getByTestId("chart-disk")).getByTestId("chart-threshold").getAttribute("data-value")).toBe("90");
    expect(within(screen.getByTestId("chart-network")).queryByTestId("chart-threshold")).toBeNull();
    expect(within(screen.getByTestId("chart-network")).getByTestId("chart-legend-item").textContent).toBe("node-one: 120 Mbps");

    const reads = calls(fetch).filter((c) => c.url.pathname === BASE);
    expect(reads.map((c) => c.url.searchParams.get("type")).sort()).toEqual(["cpu", "cpu", "disk", "memory", "network"]);
    expect(reads.find((c) => c.url.searchParams.get("page_token") === "p2")?.url.searchParams.get("type")).toBe("cpu");
    for (const r of reads) {
      const since = Date.parse(r.url.searchParams.get("since")!);
      expect(Math.abs(Date.now() - 15 * 60_000 - since)).toBeLessThan(60_000);
      expect(r.url.searchParams.get("page_size")).toBe("200");
    }
  });

  it("reads at most 5 pages a type and says when the window was cut", async () => {
    const fetch = mockApi({
      [`GET ${BASE}`]: (u: URL) => {
        const n = Number(u.searchParams.get("page_token") ?? 0);
        return json(200, { metrics: [sample(u.searchParams.get("type")!, "n1", 10 + n, `2026-12-03T07:0${9 - n}:00Z`)], next_page_token: String(n + 1), meta: { total: 99 } });
      },
    });
    renderWithProviders(<ClusterMetrics clusterId={CLUSTER_ID} nodeNames={{}} />);
    const disk = await screen.findByTestId("chart-disk");
    expect(disk.querySelector("figcaption")?.textContent).toBe("Disk per node, newest samples of the last 15 min (%)");
    // Oldest first on the chart: the newest sample (page 0, value 10) is the line's last point.
    expect(within(disk).getByTestId("chart-legend-item").textContent).toBe("n1: 10%");
    expect(calls(fetch).filter((c) => c.url.searchParams.get("type") === "disk")).toHaveLength(5);
  });

  it("shows the problem when the samples cannot be read", async () => {
    mockApi({ [`GET ${BASE}`]: () => json(400, { title: "Bad request", status: 400, code: "INVALID_ARGUMENT", detail: "type is not one of cpu, memory, disk, network" }) });
    renderWithProviders(<ClusterMetrics clusterId={CLUSTER_ID} nodeNames={{}} />);
    await waitFor(() => expect(screen.getByRole("alert").textContent).toContain("INVALID_ARGUMENT"));
  });
});
