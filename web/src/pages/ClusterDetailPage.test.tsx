// Page tests for /clusters/:id: status, pools and nodes; scale, add/delete pool, replace node; rename/tags;
// delete with If-Match after the confirm dialog (and 412); the Timeline, Operations, Metrics, Health, Autoscaling and
// Diagnosis tabs; a pool under a policy shows its count read-only.
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { bodyOf, calls, CLUSTER_ID, cluster, mockApi, node, operation, POOL_ID, poolWithNodes } from "../test/api";
import { json } from "../test/http";
import { renderRoute } from "../test/render";

const BASE = `/api/v1/clusters/${CLUSTER_ID}`;

function clusterApi(over: Record<string, unknown> = {}) {
  return mockApi({
    [`GET ${BASE}`]: () => json(200, cluster(), { ETag: '"7"' }),
    [`GET ${BASE}/node_pools`]: { node_pools: [poolWithNodes({}, [node("n1"), node("n2", "provisioning")])] },
    [`GET ${BASE}/events`]: {
      events: [{ id: "e1", type: "cluster.running", subject: { kind: "cluster", id: CLUSTER_ID }, message: "every pool has its nodes running", operation_id: null, occurred_at: "2026-11-20T09:16:00Z" }],
    },
    "GET /api/v1/operations": { operations: [operation({ type: "node_pool.scale" })] },
    [`PATCH ${BASE}/node_pools/${POOL_ID}`]: () => json(202, { node_pool: {}, operation: {} }, { "Consistency-Token": "3:1" }),
    [`POST ${BASE}/node_pools`]: () => json(202, { node_pool: {}, operation: {} }),
    [`DELETE ${BASE}/node_pools/${POOL_ID}/nodes/n1`]: () => json(202, { operation: {} }),
    [`DELETE ${BASE}/node_pools/${POOL_ID}`]: () => json(202, { operation: {} }),
    [`PATCH ${BASE}`]: (_u: URL, init: RequestInit) => json(200, cluster(bodyOf(init) as Record<string, unknown>)),
    [`DELETE ${BASE}`]: () => json(202, { cluster: cluster({ status: { state: "deleting" } }), operation: {} }),
    ...over,
  });
}

const headers = (init: RequestInit) => init.headers as Record<string, string>;

describe("ClusterDetailPage", () => {
  it("shows the status, pools and nodes with their states", async () => {
    clusterApi();
    renderRoute(`/clusters/${CLUSTER_ID}`);
    expect((await screen.findByTestId("cluster-status")).textContent).toBe("running");
    expect(screen.getByTestId("cluster-name").textContent).toBe("prod-1");
    const rows = await screen.findAllByTestId("node-row");
    expect(rows.map((r) => r.getAttribute("data-state"))).toEqual(["running", "provisioning"]);
    expect(screen.getByTestId("nodes-running").textContent).toBe("1");
    expect(screen.getByTestId("pool-counts").textContent).toContain("1/2 running");
    expect(within(rows[0]).getByText("node-n1").getAttribute("href")).toBe("/droplets?selected=n1");
  });

  it("scales a pool with PATCH {count}", async () => {
    const fetch = clusterApi();
    renderRoute(`/clusters/${CLUSTER_ID}`);
    const input = await screen.findByTestId("pool-scale-input");
    fireEvent.change(input, { target: { value: "5" } });
    fireEvent.click(screen.getByTestId("pool-scale-submit"));
    await waitFor(() => expect(calls(fetch).some((c) => c.method === "PATCH")).toBe(true));
    const patch = calls(fetch).find((c) => c.method === "PATCH")!;
    expect(patch.url.pathname).toBe(`${BASE}/node_pools/${POOL_ID}`);
    expect(bodyOf(patch.init)).toEqual({ count: 5 });
    expect(headers(patch.init)["Idempotency-Key"]).toBeTruthy();
    expect((await screen.findByTestId("toast-success")).textContent).toContain("Scaling workers to 5");
  });

  it("adds a pool and shows its field errors", async () => {
    let fail = true;
    const fetch = clusterApi({
      [`POST ${BASE}/node_pools`]: () =>
        fail
          ? json(422, { title: "invalid", status: 422, detail: "1 field is invalid.", code: "VALIDATION_FAILED", errors: [{ pointer: "#/count", code: "OUT_OF_RANGE", detail: "count must be between 1 and 100" }] })
          : json(202, {}),
    });
    renderRoute(`/clusters/${CLUSTER_ID}`);
    fireEvent.click(await screen.findByTestId("add-pool-open"));
    await waitFor(() => expect((screen.getByTestId("pool-size-1") as HTMLSelectElement).value).toBe("s-1vcpu-1gb"));
    fireEvent.click(screen.getByText("Add pool"));
    expect((await screen.findByTestId("pool-count-1-error")).textContent).toBe("count must be between 1 and 100");
    fail = false;
    fireEvent.click(screen.getByText("Add pool"));
    await waitFor(() => expect(screen.queryByTestId("pool-fields-1")).toBeNull());
    const post = calls(fetch).filter((c) => c.method === "POST").at(-1)!;
    expect(bodyOf(post.init)).toEqual({ name: "pool-2", size: "s-1vcpu-1gb", count: 1 });
  });

  it("replaces a node and deletes a pool after confirming", async () => {
    const fetch = clusterApi();
    renderRoute(`/clusters/${CLUSTER_ID}`);
    const [first] = await screen.findAllByTestId("node-row");
    fireEvent.click(within(first).getByText("Replace"));
    fireEvent.click(await screen.findByTestId("confirm-ok"));
    await waitFor(() => expect(calls(fetch).some((c) => c.method === "DELETE")).toBe(true));
    const del = calls(fetch).find((c) => c.method === "DELETE")!;
    expect(`${del.url.pathname}${del.url.search}`).toBe(`${BASE}/node_pools/${POOL_ID}/nodes/n1?replace=true`);

    fireEvent.click(screen.getByTestId("pool-delete"));
    expect((await screen.findByTestId("confirm-dialog")).textContent).toContain("Delete node pool workers?");
    fireEvent.click(screen.getByTestId("confirm-ok"));
    await waitFor(() => expect(calls(fetch).some((c) => c.method === "DELETE" && c.url.pathname === `${BASE}/node_pools/${POOL_ID}`)).toBe(true));
  });

  it("deletes the cluster with If-Match of its version, only after the confirm dialog", async () => {
    const fetch = clusterApi();
    renderRoute(`/clusters/${CLUSTER_ID}`);
    fireEvent.click(await screen.findByTestId("delete-cluster"));
    expect((await screen.findByTestId("confirm-dialog")).textContent).toContain("Delete cluster prod-1?");
    fireEvent.click(screen.getByTestId("confirm-cancel"));
    expect(calls(fetch).some((c) => c.method === "DELETE")).toBe(false);
    fireEvent.click(screen.getByTestId("delete-cluster"));
    fireEvent.click(await screen.findByTestId("confirm-ok"));
    await waitFor(() => expect(calls(fetch).some((c) => c.method === "DELETE")).toBe(true));
    const del = calls(fetch).find((c) => c.method === "DELETE")!;
    expect(del.url.pathname).toBe(BASE);
    expect(headers(del.init)["If-Match"]).toBe('"7"');
    expect(headers(del.init)["Idempotency-Key"]).toBeTruthy();
    expect((await screen.findByTestId("toast-success")).textContent).toContain("Deleting cluster prod-1");
  });

  it("reports a stale version (412) on delete", async () => {
    clusterApi({ [`DELETE ${BASE}`]: () => json(412, { title: "Precondition failed", status: 412, code: "PRECONDITION_FAILED", detail: "version is 8" }) });
    renderRoute(`/clusters/${CLUSTER_ID}`);
    fireEvent.click(await screen.findByTestId("delete-cluster"));
    fireEvent.click(await screen.findByTestId("confirm-ok"));
    expect((await screen.findByTestId("toast-error")).textContent).toContain("changed since it was read");
  });

  it("renames and edits tags with PATCH", async () => {
    const fetch = clusterApi();
    renderRoute(`/clusters/${CLUSTER_ID}`);
    fireEvent.change(await screen.findByLabelText("New cluster name"), { target: { value: "prod-2" } });
    fireEvent.click(screen.getByText("Rename"));
    await waitFor(() => expect(calls(fetch).some((c) => c.method === "PATCH")).toBe(true));
    fireEvent.click(screen.getByText("Edit tags"));
    fireEvent.change(screen.getByLabelText("Tags"), { target: { value: "env:prod, tier:gold" } });
    fireEvent.click(screen.getByText("Save tags"));
    await waitFor(() => expect(calls(fetch).filter((c) => c.method === "PATCH")).toHaveLength(2));
    const [rename, tags] = calls(fetch).filter((c) => c.method === "PATCH");
    expect(bodyOf(rename.init)).toEqual({ name: "prod-2" });
    expect(bodyOf(tags.init)).toEqual({ tags: ["env:prod", "tier:gold"] });
    expect(headers(tags.init)["Content-Type"]).toBe("application/merge-patch+json");
    expect(headers(tags.init)["If-Match"]).toBe('"7"');
  });

  it("shows the timeline and the cluster's operations in their tabs", async () => {
    const fetch = clusterApi();
    const { router } = renderRoute(`/clusters/${CLUSTER_ID}`);
    fireEvent.click(await screen.findByTestId("tab-timeline"));
    expect((await screen.findByTestId("timeline-event")).textContent).toContain("every pool has its nodes running");
    expect(router.state.location.search).toBe("?tab=timeline");
    fireEvent.click(screen.getByTestId("tab-operations"));
    expect(await screen.findByText("node_pool.scale")).toBeTruthy();
    const ops = calls(fetch).find((c) => c.url.pathname === "/api/v1/operations")!;
    expect(ops.url.searchParams.get("filter")).toBe(`target.id="${CLUSTER_ID}"`);
  });

  it("shows the progress of the pending operation", async () => {
    clusterApi({
      [`GET ${BASE}`]: cluster({ status: { state: "provisioning", message: "creating nodes" }, pending_operation_id: "op-9" }),
      "GET /api/v1/operations/op-9": operation({ id: "op-9", progress: { percent: 60, message: "waiting for nodes" } }),
    });
    renderRoute(`/clusters/${CLUSTER_ID}`);
    const pending = await screen.findByTestId("pending-operation");
    await waitFor(() => expect(within(pending).getByRole("progressbar").getAttribute("aria-valuenow")).toBe("60"));
    expect(pending.textContent).toContain("cluster.create");
    expect(pending.textContent).toContain("waiting for nodes");
    expect(screen.getByTestId("cluster-status-message").textContent).toContain("creating nodes");
  });

  it("shows the problem when the cluster does not exist", async () => {
    mockApi({ [`GET ${BASE}`]: () => json(404, { title: "Not Found", status: 404, code: "NOT_FOUND", detail: "cluster not found" }) });
    renderRoute(`/clusters/${CLUSTER_ID}`);
    expect((await screen.findByRole("alert")).textContent).toContain("cluster not found");
  });
  it("shows a pool under an autoscaling policy with its count read-only", async () => {
    clusterApi({ [`GET ${BASE}/node_pools`]: { node_pools: [poolWithNodes({ auto_scale: true, min_nodes: 1, max_nodes: 5 })] } });
    renderRoute(`/clusters/${CLUSTER_ID}`);
    expect((await screen.findByTestId("pool-count-readonly")).textContent).toBe("2 node(s), set by the autoscaler (1–5)");
    expect(screen.queryByTestId("pool-scale-input")).toBeNull();
  });

  it("opens the Metrics, Health, Autoscaling and Diagnosis tabs from the tab strip and the address", async () => {
    clusterApi({
      [`GET ${BASE}/metrics`]: { metrics: [] },
      [`GET ${BASE}/health`]: { kind: "cluster_health", cluster_id: CLUSTER_ID, status: "warning", issues: [], evaluated_at: "2026-12-03T07:00:00Z", window: "PT300S" },
      "GET /api/v1/autoscaling_policies": { autoscaling_policies: [] },
    });
    const { router } = renderRoute(`/clusters/${CLUSTER_ID}?tab=diagnosis`);
    expect(await screen.findByTestId("diagnosis-unavailable")).toBeTruthy();
    fireEvent.click(screen.getByTestId("tab-metrics"));
    expect(await screen.findByTestId("demand-control")).toBeTruthy();
    expect(await screen.findByTestId("chart-cpu")).toBeTruthy();
    expect(router.state.location.search).toBe("?tab=metrics");
    fireEvent.click(screen.getByTestId("tab-health"));
    expect((await screen.findByTestId("health-status")).textContent).toBe("warning");
    fireEvent.click(screen.getByTestId("tab-autoscaling"));
    expect((await screen.findByTestId("autoscaling-summary")).textContent).toContain("no policy");
  });
});
