// Page tests for /clusters: the table, status cards with counts that filter (?status=), and the *name* search.
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { calls, CLUSTER_ID, cluster, mockApi, pool } from "../test/api";
import { json } from "../test/http";
import { renderRoute } from "../test/render";

const COUNTS: Record<string, number> = { "": 4, provisioning: 1, running: 2, degraded: 1, error: 0 };

function clustersApi() {
  return mockApi({
    "GET /api/v1/clusters": (url: URL) => {
      const status = url.searchParams.get("status") ?? "";
      if (url.searchParams.get("page_size") === "1") return json(200, { clusters: [], meta: { total: COUNTS[status] } });
      const all = [
        cluster({ node_pools: [pool(), pool({ id: "p2", name: "gpu", count: 1 })] }),
        cluster({ id: "c2", name: "edge", status: { state: "degraded", message: "pool workers has 1 of 2 nodes running" } }),
      ];
      const list = all.filter((c) => !status || c.status.state === status);
      return json(200, { clusters: list, meta: { total: list.length }, links: {} });
    },
  });
}

describe("ClustersPage", () => {
  it("lists clusters with region, state and message, pool count and a link", async () => {
    clustersApi();
    renderRoute("/clusters");
    const rows = await screen.findAllByTestId("cluster-row");
    expect(rows).toHaveLength(2);
    const first = within(rows[0]);
    expect(first.getByText("prod-1").getAttribute("href")).toBe(`/clusters/${CLUSTER_ID}`);
    expect(first.getByText("nyc1")).toBeTruthy();
    expect(first.getByText("running")).toBeTruthy();
    expect(rows[0].children[3].textContent).toBe("2");
    expect(rows[0].children[4].textContent).toBe("3");
    expect(within(rows[1]).getByText("pool workers has 1 of 2 nodes running")).toBeTruthy();
  });

  it("shows counts on the status cards and filters by a card", async () => {
    const fetch = clustersApi();
    const { router } = renderRoute("/clusters");
    await waitFor(() => expect(screen.getByTestId("status-card-running").textContent).toContain("2"));
    expect(screen.getByTestId("status-card-total").textContent).toContain("4");
    expect(screen.getByTestId("status-card-degraded").textContent).toContain("1");
    fireEvent.click(screen.getByTestId("status-card-degraded"));
    await waitFor(() => expect(screen.getAllByTestId("cluster-row")).toHaveLength(1));
    expect(router.state.location.search).toBe("?status=degraded");
    expect(screen.getByTestId("status-card-degraded").getAttribute("aria-pressed")).toBe("true");
    const list = calls(fetch).filter((c) => c.url.searchParams.get("page_size") === "20");
    expect(list.at(-1)!.url.searchParams.get("status")).toBe("degraded");
    fireEvent.click(screen.getByTestId("status-card-degraded"));
    await waitFor(() => expect(router.state.location.search).toBe(""));
  });

  it("searches by name with * wildcards", async () => {
    const fetch = clustersApi();
    renderRoute("/clusters");
    await screen.findAllByTestId("cluster-row");
    fireEvent.change(screen.getByLabelText("Search clusters by name"), { target: { value: "edg" } });
    await waitFor(() => {
      const list = calls(fetch).filter((c) => c.url.searchParams.get("page_size") === "20");
      expect(list.at(-1)!.url.searchParams.get("name")).toBe("*edg*");
    });
  });

  it("links to the create page", async () => {
    clustersApi();
    const { router } = renderRoute("/clusters");
    fireEvent.click(screen.getByTestId("new-cluster"));
    await waitFor(() => expect(router.state.location.pathname).toBe("/clusters/new"));
    expect(await screen.findByTestId("create-cluster-form")).toBeTruthy();
  });
});
