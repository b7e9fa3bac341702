// Page tests for /clusters/new: two pools from the catalog, the POST body, navigation to the detail page, field errors by pointer.
import { fireEvent, screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { bodyOf, calls, CLUSTER_ID, cluster, mockApi } from "../test/api";
import { json } from "../test/http";
import { renderRoute } from "../test/render";

async function fillTwoPools() {
  await screen.findByRole("option", { name: "lon1 — London 1" });
  fireEvent.change(screen.getByTestId("cluster-name"), { target: { value: "prod-1" } });
  fireEvent.change(screen.getByTestId("cluster-region"), { target: { value: "lon1" } });
  fireEvent.change(screen.getByTestId("cluster-tags"), { target: { value: "env:prod" } });
  await waitFor(() => expect((screen.getByTestId("pool-size-0") as HTMLSelectElement).value).toBe("s-1vcpu-1gb"));
  fireEvent.change(screen.getByTestId("pool-count-0"), { target: { value: "2" } });
  fireEvent.click(screen.getByTestId("add-pool"));
  await waitFor(() => expect((screen.getByTestId("pool-size-1") as HTMLSelectElement).value).toBe("s-1vcpu-1gb"));
  fireEvent.change(screen.getByTestId("pool-name-1"), { target: { value: "big" } });
  fireEvent.change(screen.getByTestId("pool-size-1"), { target: { value: "s-2vcpu-4gb" } });
}

describe("CreateClusterPage", () => {
  it("creates a cluster with two pools and opens its page", async () => {
    const fetch = mockApi({
      "POST /api/v1/clusters": () =>
        json(
          202,
          { cluster: cluster({ status: { state: "provisioning", message: "creating nodes" } }), operation: { id: "o1" } },
          { Location: `/api/v1/clusters/${CLUSTER_ID}`, "Operation-Location": "/api/v1/operations/o1", "Consistency-Token": "2:5" },
        ),
      [`GET /api/v1/clusters/${CLUSTER_ID}`]: cluster({ status: { state: "provisioning", message: "creating nodes" } }),
      [`GET /api/v1/clusters/${CLUSTER_ID}/node_pools`]: { node_pools: [] },
    });
    const { router } = renderRoute("/clusters/new");
    await fillTwoPools();
    fireEvent.click(screen.getByTestId("create-cluster-submit"));
    await waitFor(() => expect(router.state.location.pathname).toBe(`/clusters/${CLUSTER_ID}`));
    const post = calls(fetch).find((c) => c.method === "POST")!;
    expect(bodyOf(post.init)).toEqual({
      name: "prod-1",
      region: "lon1",
      tags: ["env:prod"],
      node_pools: [
        { name: "pool-1", size: "s-1vcpu-1gb", count: 2 },
        { name: "big", size: "s-2vcpu-4gb", count: 1 },
      ],
    });
    expect((post.init.headers as Record<string, string>)["Idempotency-Key"]).toBeTruthy();
    expect((await screen.findByTestId("cluster-status")).textContent).toBe("provisioning");
    expect(screen.getByTestId("toast-success").textContent).toContain("prod-1");
    const read = calls(fetch).find((c) => c.method === "GET" && c.url.pathname === `/api/v1/clusters/${CLUSTER_ID}`)!;
    expect((read.init.headers as Record<string, string>)["X-Min-Consistency-Token"]).toBe("2:5");
  });

  it("shows field errors next to the pool fields they point at", async () => {
    mockApi({
      "POST /api/v1/clusters": () =>
        json(422, {
          type: "https://docs.clustergenie.dev/problems/validation-failed",
          title: "The request is not valid",
          status: 422,
          detail: "2 fields are invalid.",
          code: "VALIDATION_FAILED",
          errors: [
            { pointer: "#/node_pools/1/count", code: "OUT_OF_RANGE", detail: "count must be between 1 and 100" },
            { pointer: "#/name", code: "INVALID_NAME", detail: "names may contain letters, digits, '.' and '-'" },
          ],
        }),
    });
    const { router } = renderRoute("/clusters/new");
    await fillTwoPools();
    fireEvent.click(screen.getByTestId("create-cluster-submit"));
    expect((await screen.findByTestId("pool-count-1-error")).textContent).toBe("count must be between 1 and 100");
    expect(screen.getByTestId("cluster-name-error").textContent).toContain("names may contain");
    expect(screen.queryByTestId("pool-count-0-error")).toBeNull();
    expect(screen.getByRole("alert").textContent).toContain("2 fields are invalid.");
    expect(router.state.location.pathname).toBe("/clusters/new");
  });

  it("removes a pool again", async () => {
    mockApi({});
    renderRoute("/clusters/new");
    fireEvent.click(await screen.findByTestId("add-pool"));
    expect(screen.getByTestId("pool-fields-1")).toBeTruthy();
    fireEvent.click(screen.getByTestId("pool-remove-1"));
    expect(screen.queryByTestId("pool-fields-1")).toBeNull();
    expect(screen.queryByTestId("pool-remove-0")).toBeNull();
  });
});
