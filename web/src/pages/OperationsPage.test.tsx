// Page tests for /operations: rows with progress and target links, status/type filters, Cancel (200 and 409).
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { calls, CLUSTER_ID, mockApi, operation } from "../test/api";
import { json } from "../test/http";
import { renderRoute } from "../test/render";

const OPS = [
  operation(),
  operation({ id: "op-2", type: "droplet.power_off", target: { kind: "droplet", id: "d-1" }, status: "succeeded", done: true, progress: { percent: 100 }, completed_at: "2026-11-20T09:15:00Z" }),
  operation({ id: "op-3", type: "droplet.create", target: { kind: "droplet", id: "d-2" }, status: "failed", done: true, error: { type: "t", title: "failed", status: 500, code: "NO_CAPACITY", detail: "no provider has room" } }),
];

describe("OperationsPage", () => {
  it("lists operations with progress, errors and target links", async () => {
    mockApi({ "GET /api/v1/operations": { operations: OPS, meta: { total: 3 } } });
    renderRoute("/operations");
    const rows = await screen.findAllByTestId("operation-row");
    expect(rows).toHaveLength(3);
    expect(within(rows[0]).getByRole("progressbar").getAttribute("aria-valuenow")).toBe("40");
    expect(within(rows[0]).getByRole("progressbar").textContent).toContain("creating nodes");
    expect(within(rows[0]).getByText(`cluster ${CLUSTER_ID.slice(0, 8)}`).getAttribute("href")).toBe(`/clusters/${CLUSTER_ID}`);
    expect(within(rows[1]).getByText("droplet d-1").getAttribute("href")).toBe("/droplets?selected=d-1");
    expect(within(rows[2]).getByText("no provider has room")).toBeTruthy();
    expect(within(rows[1]).queryByTestId("cancel-operation")).toBeNull();
    expect(screen.getByTestId("operations-total").textContent).toBe("3 total");
  });

  it("filters by status and type", async () => {
    const fetch = mockApi({ "GET /api/v1/operations": { operations: [], meta: { total: 0 } } });
    const { router } = renderRoute("/operations");
    await screen.findByText("No operations match.");
    fireEvent.change(screen.getByLabelText("Operation status"), { target: { value: "failed" } });
    fireEvent.change(screen.getByLabelText("Operation type"), { target: { value: "cluster.create" } });
    await waitFor(() => {
      const last = calls(fetch).filter((c) => c.url.pathname === "/api/v1/operations").at(-1)!.url;
      expect(last.searchParams.get("status")).toBe("failed");
      expect(last.searchParams.get("type")).toBe("cluster.create");
    });
    expect(router.state.location.search).toBe("?status=failed&type=cluster.create");
  });

  it("cancels a running operation, and shows the 409 when it is no longer in progress", async () => {
    let answered = 0;
    const fetch = mockApi({
      "GET /api/v1/operations": { operations: OPS, meta: { total: 3 } },
      [`POST /api/v1/operations/${OPS[0].id}:cancel`]: () =>
        ++answered === 1
          ? json(200, { id: OPS[0].id, cancel_requested: true, done: false, status: "running" })
          : json(409, { title: "Conflict", status: 409, code: "FAILED_PRECONDITION", detail: "operation is succeeded, not in progress" }),
    });
    renderRoute("/operations");
    const [running] = await screen.findAllByTestId("operation-row");
    fireEvent.click(within(running).getByTestId("cancel-operation"));
    expect((await screen.findByTestId("toast-info")).textContent).toContain("Cancel requested for cluster.create");
    const post = calls(fetch).find((c) => c.method === "POST")!;
    expect(post.url.pathname).toBe(`/api/v1/operations/${OPS[0].id}:cancel`);
    expect((post.init.headers as Record<string, string>)["Idempotency-Key"]).toBeTruthy();
    fireEvent.click(within(running).getByTestId("cancel-operation"));
    expect((await screen.findByTestId("toast-error")).textContent).toContain("not in progress");
  });
});
