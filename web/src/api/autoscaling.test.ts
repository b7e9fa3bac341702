// Tests for the autoscaling API module: the three templates and the §13.1 defaults, and the requests each call sends
// (create body with target, list filter, merge-patch + If-Match, delete If-Match, dry run with the current samples).
import { describe, expect, it } from "vitest";
import { bodyOf, calls, mockApi } from "../test/api";
import { json } from "../test/http";
import { createPolicy, defaultFields, deletePolicy, evaluatePolicy, listPolicies, patchPolicy, templates } from "./autoscaling";

const headers = (init: RequestInit) => init.headers as Record<string, string>;

describe("autoscaling API", () => {
  it("has the original's three templates on top of the §13.1 defaults", () => {
    const [cpu, hours, cost] = templates("Europe/Berlin");
    expect([cpu.label, hours.label, cost.label]).toEqual(["CPU autoscale", "Business hours", "Cost limit"]);
    expect([cpu.fields.min_nodes, cpu.fields.max_nodes, cpu.fields.metrics]).toEqual([1, 5, [{ type: "cpu_utilization", target: 0.7 }]]);
    expect(hours.fields.schedules).toEqual([{ window: "08:00-18:00", timezone: "Europe/Berlin", min_nodes: 1, max_nodes: 6 }]);
    expect([cost.fields.min_nodes, cost.fields.max_nodes, cost.fields.cost_limit_monthly]).toEqual([1, 4, "100.00"]);
    const d = defaultFields();
    expect([d.evaluation_interval_seconds, d.node_warmup_seconds, d.enabled, d.cost_limit_monthly, d.behavior.cooldown_seconds]).toEqual([15, 60, true, null, null]);
    expect(d.behavior.scale_up).toEqual({ tolerance: 0.1, stabilization_window_seconds: 0, policies: [{ nodes: 4, period_seconds: 60 }, { percent: 100, period_seconds: 60 }], select_policy: "max" });
    expect(d.behavior.scale_down).toMatchObject({ stabilization_window_seconds: 300, delay_after_scale_up_seconds: 600, delay_after_failure_seconds: 180 });
  });

  it("sends each request as api.md §11 describes it", async () => {
    const fetch = mockApi({
      "POST /api/v1/autoscaling_policies": () => json(201, { kind: "autoscaling_policy", id: "p1", version: 1 }, { ETag: '"1"' }),
      "GET /api/v1/autoscaling_policies": { autoscaling_policies: [] },
      "PATCH /api/v1/autoscaling_policies/p1": { kind: "autoscaling_policy", id: "p1", version: 4 },
      "DELETE /api/v1/autoscaling_policies/p1": () => new Response(null, { status: 204 }),
      "POST /api/v1/autoscaling_policies/p1:evaluate": { decision: { desired: 3, reason: "scale 2 → 3" }, would_record: true, conditions: [] },
    });
    await createPolicy({ ...defaultFields(), target: { cluster_id: "c1", node_pool_id: "np1" } });
    await listPolicies("c1");
    await patchPolicy("p1", 3, { max_nodes: 9 });
    await deletePolicy("p1", 4);
    expect((await evaluatePolicy("p1")).decision.desired).toBe(3);
    const [create, list, patch, del, evaluate] = calls(fetch);
    expect(bodyOf(create.init)).toMatchObject({ target: { cluster_id: "c1", node_pool_id: "np1" }, min_nodes: 1, max_nodes: 3 });
    expect(headers(create.init)["Idempotency-Key"]).toBeTruthy();
    expect(list.url.searchParams.get("filter")).toBe('target.cluster_id="c1"');
    expect(bodyOf(patch.init)).toEqual({ max_nodes: 9 });
    expect(headers(patch.init)["If-Match"]).toBe('"3"');
    expect(headers(patch.init)["Content-Type"]).toBe("application/merge-patch+json");
    expect([del.method, headers(del.init)["If-Match"]]).toEqual(["DELETE", '"4"']);
    expect([evaluate.method, evaluate.url.pathname]).toEqual(["POST", "/api/v1/autoscaling_policies/p1:evaluate"]);
    // No supplied metrics: the dry run uses the current samples.
    expect(bodyOf(evaluate.init)).toEqual({});
  });

});
