// Unit tests for the cluster helpers: URLs, bodies, If-Match on delete, name wildcard search, node removal flags.
import { describe, expect, it } from "vitest";
import { addNodePool, countClusters, createCluster, deleteCluster, deleteNode, listClusterEvents, listClusters, nameWildcard, patchCluster, scaleNodePool } from "./clusters";
import { bodyOf, calls, mockApi } from "../test/api";
import { json } from "../test/http";

describe("cluster api", () => {
  it("lists with status, a *name* wildcard and paging", async () => {
    const fetch = mockApi({ "GET /api/v1/clusters": { clusters: [], meta: { total: 0 } } });
    await listClusters({ status: "degraded", search: "web", pageToken: "T2" });
    const url = calls(fetch)[0].url;
    expect(url.searchParams.get("status")).toBe("degraded");
    expect(url.searchParams.get("name")).toBe("*web*");
    expect(url.searchParams.get("page_token")).toBe("T2");
    expect(nameWildcard(" db* ")).toBe("db*");
    expect(nameWildcard("  ")).toBe("");
  });

  it("creates with the pools and returns the 202 headers", async () => {
    const fetch = mockApi({
      "POST /api/v1/clusters": () =>
        json(202, { cluster: { id: "c1" }, operation: { id: "o1" } }, { Location: "/api/v1/clusters/c1", "Operation-Location": "/api/v1/operations/o1", "Consistency-Token": "1:2" }),
    });
    const input = { name: "k", region: "nyc1", node_pools: [{ name: "a", size: "s-1vcpu-1gb", count: 2 }] };
    const res = await createCluster(input);
    expect(bodyOf(calls(fetch)[0].init)).toEqual(input);
    expect(res.location).toBe("/api/v1/clusters/c1");
    expect(res.operationLocation).toBe("/api/v1/operations/o1");
    expect(res.consistencyToken).toBe("1:2");
  });

  it("deletes a cluster with If-Match of its version", async () => {
    const fetch = mockApi({ "DELETE /api/v1/clusters/c1": () => json(202, {}) });
    await deleteCluster("c1", 12);
    expect((calls(fetch)[0].init.headers as Record<string, string>)["If-Match"]).toBe('"12"');
  });

  it("patches, scales, adds pools and removes nodes on the documented routes", async () => {
    const fetch = mockApi({ "PATCH /api/v1/clusters/*": () => json(202, {}), "POST /api/v1/clusters/*": () => json(202, {}), "DELETE /api/v1/clusters/*": () => json(202, {}) });
    await patchCluster("c1", 3, { tags: ["x"] });
    await scaleNodePool("c1", "p1", 5);
    await addNodePool("c1", { name: "b", size: "s-1vcpu-1gb", count: 1 });
    await deleteNode("c1", "p1", "n1", true);
    await deleteNode("c1", "p1", "n2");
    const c = calls(fetch);
    expect(c.map((x) => `${x.method} ${x.url.pathname}${x.url.search}`)).toEqual([
      "PATCH /api/v1/clusters/c1",
      "PATCH /api/v1/clusters/c1/node_pools/p1",
      "POST /api/v1/clusters/c1/node_pools",
      "DELETE /api/v1/clusters/c1/node_pools/p1/nodes/n1?replace=true",
      "DELETE /api/v1/clusters/c1/node_pools/p1/nodes/n2",
    ]);
    expect(bodyOf(c[0].init)).toEqual({ tags: ["x"] });
    expect((c[0].init.headers as Record<string, string>)["Content-Type"]).toBe("application/merge-patch+json");
    expect(bodyOf(c[1].init)).toEqual({ count: 5 });
    expect(bodyOf(c[2].init)).toEqual({ name: "b", size: "s-1vcpu-1gb", count: 1 });
    for (const x of c) expect((x.init.headers as Record<string, string>)["Idempotency-Key"]).toBeTruthy();
  });

  it("counts from meta.total and reads the timeline newest first", async () => {
    const fetch = mockApi({
      "GET /api/v1/clusters": { clusters: [], meta: { total: 17 } },
      "GET /api/v1/clusters/c1/events": { events: [] },
    });
    expect(await countClusters("running")).toBe(17);
    await listClusterEvents("c1");
    const [count, events] = calls(fetch);
    expect(count.url.searchParams.get("page_size")).toBe("1");
    expect(count.url.searchParams.get("status")).toBe("running");
    expect(events.url.searchParams.get("order_by")).toBe("occurred_at desc");
  });
});
