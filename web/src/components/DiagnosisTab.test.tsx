// Tests for the Diagnosis tab: run → 202 + operation → polled until done → its diagnosis shown; insights grouped by
// severity with evidence and object; "Implement" shows the request first and sends nothing on cancel; "Create job"
// posts the job request; a 429 is shown; a server without the routes says so.
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { bodyOf, calls, CLUSTER_ID, mockApi, operation, POOL_ID } from "../test/api";
import { json } from "../test/http";
import { renderWithProviders } from "../test/render";
import { DiagnosisTab } from "./DiagnosisTab";

const BASE = `/api/v1/clusters/${CLUSTER_ID}/diagnoses`;
const HINT_PATH = `/api/v1/clusters/${CLUSTER_ID}/node_pools/${POOL_ID}`;

const hot = {
  check: "pool_cpu_saturation",
  category: "capacity",
  severity: "warning",
  title: "CPU saturation on pool web",
  message: "Mean CPU use on pool web was 87 % over the last 10 minutes (threshold 80 %).",
  evidence: { metric: "cpu", value: 87, threshold: 80, window: "10m" },
  object: { kind: "node_pool", id: POOL_ID, name: "web" },
  recommendation: {
    action: "scale_node_pool",
    request_hint: { method: "PATCH", path: HINT_PATH, body: { count: 4 } },
    job_request: { type: "scale", args: { cluster_id: CLUSTER_ID, node_pool_id: POOL_ID, count: 4 } },
  },
};
const none = { action: "none", request_hint: null, job_request: null };
const disk = { check: "node_disk_full", category: "capacity", severity: "error", title: "Disk almost full", message: "disk at 93 %", evidence: { metric: "disk", value: 93, threshold: 90, window: "5m" }, object: { kind: "node", id: "n1", name: "web-1" }, recommendation: { ...none, action: "use_larger_size" } };
const good = { check: "all_good", category: "general", severity: "suggestion", title: "Configuration looks good", message: "nothing matched", evidence: null, object: { kind: "cluster", id: CLUSTER_ID, name: "prod-1" }, recommendation: none };

function diagnosis(id: string, insights: Record<string, unknown>[]) {
  const counts = { error: 0, warning: 0, suggestion: 0 } as Record<string, number>;
  for (const i of insights) counts[i.severity as string] += 1;
  return {
    kind: "diagnosis", id, version: 1, cluster_id: CLUSTER_ID, status: "succeeded", source: "rules", operation_id: null, job_id: null,
    requested_by: "dev", requested_at: "2026-12-03T07:00:00Z", completed_at: "2026-12-03T07:00:00Z", counts, insights,
  };
}

describe("DiagnosisTab", () => {
  it("runs a diagnosis, polls its operation and shows the insights grouped by severity", async () => {
    let done = false;
    const fetch = mockApi({
      [`GET ${BASE}`]: () => json(200, { diagnoses: done ? [diagnosis("d2", [hot, disk]), diagnosis("d1", [good])] : [diagnosis("d1", [good])] }),
      [`GET ${BASE}/d1`]: diagnosis("d1", [good]),
      [`GET ${BASE}/d2`]: diagnosis("d2", [hot, disk]),
      [`POST ${BASE}`]: () => json(202, { operation: operation({ id: "op-d", type: "cluster.diagnose", status: "pending", done: false }) }, { "Operation-Location": "/api/v1/operations/op-d" }),
      "GET /api/v1/operations/op-d": () => {
        done = true;
        return json(200, operation({ id: "op-d", type: "cluster.diagnose", status: "succeeded", done: true, result: { diagnosis_id: "d2" } }));
      },
    });
    renderWithProviders(<DiagnosisTab clusterId={CLUSTER_ID} />);
    expect((await screen.findByTestId("insights-suggestion")).textContent).toContain("Configuration looks good");
    fireEvent.click(screen.getByTestId("diagnosis-run"));
    const errors = await screen.findByTestId("insights-error");
    expect(errors.textContent).toContain("Disk almost full");
    const warnings = screen.getByTestId("insights-warning");
    expect(within(warnings).getByTestId("insight-evidence").textContent).toBe("cpu 87 % against threshold 80 % over 10m");
    expect(within(warnings).getByTestId("insight-object").textContent).toContain("node_pool web");
    expect(screen.queryByTestId("insights-suggestion")).toBeNull();
    // Worst first.
    const groups = screen.getAllByTestId(/^insights-(error|warning|suggestion)$/).map((g) => g.getAttribute("data-testid"));
    expect(groups).toEqual(["insights-error", "insights-warning"]);
    await waitFor(() => expect(screen.getAllByTestId("diagnosis-row")).toHaveLength(2));
    expect(bodyOf(calls(fetch).find((c) => c.method === "POST")!.init)).toEqual({});
  });

  it("notices a second run whose operation is already done at its first poll", async () => {
    const made: string[] = [];
    mockApi({
      [`GET ${BASE}`]: () => json(200, { diagnoses: made.map((id) => diagnosis(id, [{ ...good, title: `result ${id}` }])).reverse() }),
      [`GET ${BASE}/*`]: (u: URL) => json(200, diagnosis(u.pathname.split("/").pop()!, [{ ...good, title: `result ${u.pathname.split("/").pop()}` }])),
      [`POST ${BASE}`]: () => {
        made.push(`d${made.length + 1}`);
        return json(202, { operation: operation({ id: `op-${made.length}`, type: "cluster.diagnose" }) });
      },
      "GET /api/v1/operations/*": (u: URL) => {
        const n = u.pathname.split("-").pop();
        return json(200, operation({ id: `op-${n}`, type: "cluster.diagnose", status: "succeeded", done: true, result: { diagnosis_id: `d${n}` } }));
      },
    });
    renderWithProviders(<DiagnosisTab clusterId={CLUSTER_ID} />);
    fireEvent.click(await screen.findByTestId("diagnosis-run"));
    expect(await screen.findByText("result d1")).toBeTruthy();
    await waitFor(() => expect((screen.getByTestId("diagnosis-run") as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(screen.getByTestId("diagnosis-run"));
    expect(await screen.findByText("result d2")).toBeTruthy();
    await waitFor(() => expect(screen.getAllByTestId("diagnosis-row")).toHaveLength(2));
  });

  it("shows the request before Implement sends it, and sends nothing on cancel", async () => {
    const fetch = mockApi({
      [`GET ${BASE}`]: { diagnoses: [diagnosis("d2", [hot])] },
      [`GET ${BASE}/d2`]: diagnosis("d2", [hot]),
      [`PATCH ${HINT_PATH}`]: () => json(202, { operation: {} }),
    });
    renderWithProviders(<DiagnosisTab clusterId={CLUSTER_ID} />);
    fireEvent.click(await screen.findByTestId("insight-implement"));
    const preview = await screen.findByTestId("hint-preview");
    expect(preview.textContent).toBe(`PATCH ${HINT_PATH}\n\n{\n  "count": 4\n}`);
    fireEvent.click(screen.getByTestId("confirm-cancel"));
    expect(calls(fetch).some((c) => c.method === "PATCH")).toBe(false);

    fireEvent.click(screen.getByTestId("insight-implement"));
    fireEvent.click(await screen.findByTestId("confirm-ok"));
    await waitFor(() => expect(calls(fetch).some((c) => c.method === "PATCH")).toBe(true));
    const patch = calls(fetch).find((c) => c.method === "PATCH")!;
    expect(patch.url.pathname).toBe(HINT_PATH);
    expect(bodyOf(patch.init)).toEqual({ count: 4 });
    expect((patch.init.headers as Record<string, string>)["Idempotency-Key"]).toBeTruthy();
  });

  it("creates a job from the recommendation's job request", async () => {
    const fetch = mockApi({
      [`GET ${BASE}`]: { diagnoses: [diagnosis("d2", [hot])] },
      [`GET ${BASE}/d2`]: diagnosis("d2", [hot]),
      "POST /api/v1/jobs": () => json(201, { kind: "job", id: "0193c000-aaaa", type: "scale" }),
    });
    renderWithProviders(<DiagnosisTab clusterId={CLUSTER_ID} />);
    fireEvent.click(await screen.findByTestId("insight-create-job"));
    expect((await screen.findByTestId("toast-success")).textContent).toContain("Job 0193c000 (scale) queued");
    expect(bodyOf(calls(fetch).find((c) => c.method === "POST")!.init)).toEqual(hot.recommendation.job_request);
  });

  it("offers no Implement for a hint outside the API", async () => {
    const away = { ...hot, recommendation: { action: "x", request_hint: { method: "POST", path: "https://example.com/hook", body: {} } } };
    mockApi({ [`GET ${BASE}`]: { diagnoses: [diagnosis("d3", [away])] }, [`GET ${BASE}/d3`]: diagnosis("d3", [away]) });
    renderWithProviders(<DiagnosisTab clusterId={CLUSTER_ID} />);
    expect(await screen.findByTestId("insight")).toBeTruthy();
    expect(screen.queryByTestId("insight-implement")).toBeNull();
  });

  it("shows a rate-limited run and a failed diagnosis operation", async () => {
    let limited = true;
    mockApi({
      [`GET ${BASE}`]: { diagnoses: [] },
      [`POST ${BASE}`]: () =>
        limited
          ? json(429, { title: "Too many requests", status: 429, code: "RATE_LIMITED", detail: "the diagnoses policy allows 5 a minute" }, { "Retry-After": "30" })
          : json(202, { operation: operation({ id: "op-f", type: "cluster.diagnose" }) }),
      "GET /api/v1/operations/op-f": operation({ id: "op-f", status: "failed", done: true, error: { title: "failed", status: 500, detail: "samples unavailable" } }),
    });
    renderWithProviders(<DiagnosisTab clusterId={CLUSTER_ID} />);
    expect(await screen.findByText("No diagnosis yet: run one.")).toBeTruthy();
    fireEvent.click(screen.getByTestId("diagnosis-run"));
    expect((await screen.findByRole("alert")).textContent).toContain("RATE_LIMITED");
    limited = false;
    fireEvent.click(screen.getByTestId("diagnosis-run"));
    await waitFor(() => expect(screen.getByRole("alert").textContent).toContain("samples unavailable"));
  });

  it("says so when the server has no diagnosis routes", async () => {
    mockApi({});
    renderWithProviders(<DiagnosisTab clusterId={CLUSTER_ID} />);
    expect((await screen.findByTestId("diagnosis-unavailable")).textContent).toContain("does not offer diagnoses");
  });
});
