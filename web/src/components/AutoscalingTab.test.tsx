// Tests for the Autoscaling tab: create a policy from a template (POST with target), 422 `errors[]` shown at their
// fields (and unknown pointers listed), save and disable with merge-patch + If-Match, delete with If-Match after a confirm,
// "Evaluate now" as a dry run that writes nothing, the decision log and scaling history, and a server without the routes.
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { bodyOf, calls, CLUSTER_ID, mockApi, POOL_ID, poolWithNodes } from "../test/api";
import { json } from "../test/http";
import { renderWithProviders } from "../test/render";
import { defaultFields } from "../api/autoscaling";
import type { NodePoolWithNodes } from "../api/clusters";
import { AutoscalingTab } from "./AutoscalingTab";

const BASE = "/api/v1/autoscaling_policies";
const headers = (init: RequestInit) => init.headers as Record<string, string>;

function policy(over: Record<string, unknown> = {}) {
  return { kind: "autoscaling_policy", id: "p1", version: 3, target: { cluster_id: CLUSTER_ID, node_pool_id: POOL_ID }, ...defaultFields(1, 5), status: { current_nodes: 2, desired_nodes: 2, last_evaluated_at: null, last_scale_at: null, conditions: [{ type: "AbleToScale", status: "True", reason: "ReadyForNewScale" }] }, ...over };
}

const decision = {
  policy_id: "p1",
  evaluated_at: "2026-12-03T07:00:00Z",
  current_count: 2,
  capacity: 2,
  metrics: [{ type: "cpu_utilization", target: 0.6, ratio: 1.5, adjusted_ratio: null, nodes_without_sample: 0, proposal: 3 }],
  min_nodes: 1,
  max_nodes: 5,
  raw: 3,
  clamped: 3,
  stabilized: 3,
  limited: 3,
  final: 3,
  desired: 3,
  gate: null,
  notes: [],
  action: "scale_up",
  reason: "cpu_utilization 1.50× target → 3; raw 3, clamped 3, stabilized 3, limited 3; scale 2 → 3 (SCALE_UP)",
};

function renderTab(routes: Record<string, unknown>) {
  const fetch = mockApi(routes);
  const pool = poolWithNodes() as unknown as NodePoolWithNodes;
  renderWithProviders(<AutoscalingTab clusterId={CLUSTER_ID} pools={[pool]} onPoolsChanged={async () => {}} />);
  return fetch;
}

const writes = (fetch: ReturnType<typeof mockApi>) => calls(fetch).filter((c) => c.method !== "GET" && !c.url.pathname.endsWith(":evaluate"));

describe("AutoscalingTab", () => {
  it("creates a policy from a template, showing 422 field errors at their fields first", async () => {
    let fail = true;
    const fetch = renderTab({
      [`GET ${BASE}`]: { autoscaling_policies: [] },
      [`POST ${BASE}`]: () =>
        fail
          ? json(422, {
              title: "invalid",
              status: 422,
              code: "VALIDATION_FAILED",
              detail: "3 fields are invalid.",
              errors: [
                { pointer: "#/max_nodes", code: "OUT_OF_RANGE", detail: "max_nodes must be at least min_nodes" },
                { pointer: "#/metrics/0/target", code: "OUT_OF_RANGE", detail: "a utilization target is at most 1" },
                { pointer: "#/behavior/scale_down/delay_after_failure_seconds", code: "OUT_OF_RANGE", detail: "must be at most 86400 seconds" },
                { pointer: "#/frobnicate", code: "UNKNOWN_FIELD", detail: "unknown field" },
              ],
            })
          : json(201, policy()),
    });
    expect((await screen.findByTestId("autoscaling-summary")).textContent).toContain("no policy");
    fireEvent.click(screen.getByTestId("policy-edit"));
    fireEvent.click(screen.getByTestId("template-cpu_autoscale"));
    expect((screen.getByTestId("policy-max") as HTMLInputElement).value).toBe("5");
    expect((screen.getByTestId("metric-0-target") as HTMLInputElement).value).toBe("0.7");
    fireEvent.click(screen.getByTestId("policy-submit"));
    expect((await screen.findByTestId("policy-max-error")).textContent).toBe("max_nodes must be at least min_nodes");
    expect(screen.getByTestId("metric-0-target-error").textContent).toBe("a utilization target is at most 1");
    expect(screen.getByLabelText("Delay after failure (s)").getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByText("must be at most 86400 seconds")).toBeTruthy();
    expect(screen.getByTestId("policy-other-errors").textContent).toContain("frobnicate: unknown field");

    fail = false;
    fireEvent.click(screen.getByTestId("policy-submit"));
    await waitFor(() => expect(calls(fetch).filter((c) => c.method === "POST")).toHaveLength(2));
    const body = bodyOf(calls(fetch).filter((c) => c.method === "POST")[1].init) as Record<string, unknown>;
    expect(body).toMatchObject({ target: { cluster_id: CLUSTER_ID, node_pool_id: POOL_ID }, min_nodes: 1, max_nodes: 5, metrics: [{ type: "cpu_utilization", target: 0.7 }], cost_limit_monthly: null });
    expect((await screen.findByTestId("toast-success")).textContent).toContain("created");
  });

  it("saves and disables with merge-patch and If-Match, and deletes with If-Match only after confirming", async () => {
    const fetch = renderTab({
      [`GET ${BASE}`]: { autoscaling_policies: [policy()] },
      [`GET ${BASE}/p1/decisions`]: { decisions: [] },
      [`GET ${BASE}/p1/events`]: { events: [] },
      [`PATCH ${BASE}/p1`]: policy({ version: 4 }),
      [`DELETE ${BASE}/p1`]: () => new Response(null, { status: 204 }),
    });
    expect((await screen.findByTestId("autoscaling-summary")).textContent).toContain("1–5 nodes");
    fireEvent.click(screen.getByTestId("policy-edit"));
    fireEvent.change(screen.getByTestId("policy-cost-limit"), { target: { value: "250.00" } });
    fireEvent.click(screen.getByTestId("policy-submit"));
    await waitFor(() => expect(calls(fetch).some((c) => c.method === "PATCH")).toBe(true));
    const patch = calls(fetch).find((c) => c.method === "PATCH")!;
    expect(headers(patch.init)["If-Match"]).toBe('"3"');
    expect(headers(patch.init)["Content-Type"]).toBe("application/merge-patch+json");
    expect(bodyOf(patch.init)).toMatchObject({ cost_limit_monthly: "250.00", min_nodes: 1, max_nodes: 5 });
    expect(bodyOf(patch.init)).not.toHaveProperty("target");

    fireEvent.click(screen.getByTestId("policy-toggle"));
    await waitFor(() => expect(calls(fetch).filter((c) => c.method === "PATCH")).toHaveLength(2));
    const toggle = calls(fetch).filter((c) => c.method === "PATCH")[1];
    expect(bodyOf(toggle.init)).toEqual({ enabled: false });
    expect(headers(toggle.init)["If-Match"]).toBe('"3"');

    fireEvent.click(screen.getByTestId("policy-delete"));
    fireEvent.click(await screen.findByTestId("confirm-cancel"));
    expect(calls(fetch).some((c) => c.method === "DELETE")).toBe(false);
    fireEvent.click(screen.getByTestId("policy-delete"));
    fireEvent.click(await screen.findByTestId("confirm-ok"));
    await waitFor(() => expect(calls(fetch).some((c) => c.method === "DELETE")).toBe(true));
    expect(headers(calls(fetch).find((c) => c.method === "DELETE")!.init)["If-Match"]).toBe('"3"');
  });

  it("evaluates as a dry run that writes nothing, and shows the decision log and scaling history", async () => {
    const fetch = renderTab({
      [`GET ${BASE}`]: { autoscaling_policies: [policy()] },
      [`GET ${BASE}/p1/decisions`]: { decisions: [{ ...decision, action: "hold", desired: 2, gate: "DelayAfterScaleUp", notes: ["ScaleDownStabilized"] }] },
      [`GET ${BASE}/p1/events`]: { events: [{ policy_id: "p1", operation_id: "op1", current_count: 1, desired_count: 2, reason: "SCALE_UP", status: "success", started_at: "2026-12-03T06:50:00Z", finished_at: "2026-12-03T06:51:00Z" }] },
      [`POST ${BASE}/p1:evaluate`]: { decision, would_record: true, conditions: [{ type: "ScalingLimited", status: "False", reason: "DesiredWithinRange" }] },
    });
    const log = await screen.findByTestId("decision-log");
    expect(within(log).getByTestId("decision-row").textContent).toContain("DelayAfterScaleUp, ScaleDownStabilized");
    expect(within(log).getByTestId("decision-result").textContent).toBe("stay at 2");
    const scaled = await screen.findByTestId("scaling-event");
    expect(scaled.textContent).toContain("1 → 2");
    expect(scaled.textContent).toContain("succeeded");

    fireEvent.click(screen.getByTestId("policy-evaluate"));
    expect((await screen.findByTestId("dry-run-reason")).textContent).toBe(decision.reason);
    expect(within(screen.getByTestId("dry-run-table")).getByTestId("decision-result").textContent).toBe("scale up 2 → 3");
    expect(screen.getByTestId("dry-run").textContent).toContain("ScalingLimited False (DesiredWithinRange)");
    expect(calls(fetch).filter((c) => c.url.pathname.endsWith(":evaluate"))).toHaveLength(1);
    expect(writes(fetch)).toEqual([]);
  });

  it("sends a custom metric with its name as the type", async () => {
    const fetch = renderTab({ [`GET ${BASE}`]: { autoscaling_policies: [] }, [`POST ${BASE}`]: () => json(201, policy()) });
    fireEvent.click(await screen.findByTestId("policy-edit"));
    fireEvent.click(screen.getByText("Add metric"));
    fireEvent.change(screen.getByLabelText("Metric 2 type"), { target: { value: "\u0000custom" } });
    fireEvent.change(screen.getByLabelText("Metric 2 name"), { target: { value: "queue_depth" } });
    fireEvent.change(screen.getByTestId("metric-1-target"), { target: { value: "5" } });
    fireEvent.click(screen.getByTestId("policy-submit"));
    await waitFor(() => expect(calls(fetch).some((c) => c.method === "POST")).toBe(true));
    const body = bodyOf(calls(fetch).find((c) => c.method === "POST")!.init) as { metrics: unknown[] };
    expect(body.metrics).toEqual([
      { type: "cpu_utilization", target: 0.6 },
      { type: "queue_depth", target: 5 },
    ]);
  });

  it("says so when the server has no autoscaling routes", async () => {
    renderTab({});
    expect((await screen.findByTestId("autoscaling-unavailable")).textContent).toContain("does not offer autoscaling");
    expect(screen.queryByRole("alert")).toBeNull();
  });
});
