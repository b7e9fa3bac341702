// Tests for a cluster's Deployments tab: starting a canary with Argo steps posts its strategy; 409 DEPLOYMENT_IN_PROGRESS
// reveals "supersede" and the retry sends it; a 422 pointer shows under its field; the shown deployment's steps, weight
// and analysis runs; buttons enabled by status, each posting its :verb; a live event reloads it; rollback to a revision
// sends If-Match with the cluster's version and shows 428 / 412 problems.
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { Mock } from "vitest";
import { bodyOf, calls, CLUSTER_ID, mockApi, sseStream } from "../test/api";
import { json } from "../test/http";
import { renderWithProviders } from "../test/render";
import { DeploymentsTab } from "./DeploymentsTab";

const BASE = `/api/v1/clusters/${CLUSTER_ID}`;

function step(index: number, name: string, status: string, message = "") {
  return { index, name, status, message, started_at: status === "pending" ? null : "2026-12-03T10:00:00Z", finished_at: null };
}

function deployment(over: Record<string, unknown> = {}) {
  return {
    kind: "deployment", id: "dep-2", cluster_id: CLUSTER_ID, revision: { number: 2, image: "web:1.1", config_hash: "abc123", replicas: 3 },
    deployment_kind: "rollout", rollback_of: null, strategy: { type: "canary", steps: [{ set_weight: 20 }, { pause: {} }, { analysis: {} }] },
    analysis: null, auto_rollback: true, status: "paused", current_step: 1, canary_weight: 20, message: "paused until resumed",
    progress: { steps: [step(0, "set weight 20", "succeeded", "20 % of traffic on web:1.1"), step(1, "pause", "running", "waiting for resume"), step(2, "analysis", "pending")] },
    analysis_runs: [{ step: 2, result: "inconclusive", metrics: [{ name: "success_rate", value: 0.93, success_condition: "result >= 0.95", passed: false }], at: "2026-12-03T10:01:00Z" }],
    created_at: "2026-12-03T10:00:00Z", updated_at: "2026-12-03T10:00:05Z", finished_at: null, version: 4, ...over,
  };
}

const revisions = {
  revisions: [
    { number: 2, deployment_id: "dep-2", image: "web:1.1", config_hash: "abc123", created_at: "2026-12-03T10:00:00Z", is_active: false },
    { number: 1, deployment_id: "dep-1", image: "web:1.0", config_hash: "def456", created_at: "2026-12-02T10:00:00Z", is_active: true },
  ],
};

function routes(dep: () => Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    [`GET ${BASE}/deployments`]: () => json(200, { deployments: [dep()] }),
    [`GET ${BASE}/revisions`]: revisions,
    "GET /api/v1/deployments/dep-2": () => json(200, dep()),
    [`GET /api/v1/clusters/${CLUSTER_ID}`]: {},
    ...extra,
  };
}

function render(onClusterChanged = vi.fn(async () => {})) {
  renderWithProviders(<DeploymentsTab clusterId={CLUSTER_ID} clusterVersion={7} onClusterChanged={onClusterChanged} />);
  return onClusterChanged;
}

const VERBS = ["pause", "resume", "promote", "abort", "cancel"];
const button = (testid: string) => screen.getByTestId(testid) as HTMLButtonElement;
const posts = (fetch: Mock) => calls(fetch).filter((c) => c.method === "POST").map((c) => c.url.pathname);

const problem = (status: number, code: string, detail: string, errors?: unknown[]) => () => json(status, { type: "about:blank", title: code, status, code, detail, errors });

describe("DeploymentsTab", () => {
  it("shows the deployment's steps, canary weight and analysis runs, with the buttons its status allows", async () => {
    mockApi(routes(() => deployment()));
    render();
    const detail = await screen.findByTestId("deployment-detail");
    const steps = within(detail).getAllByTestId("deploy-step");
    expect(steps.map((s) => s.getAttribute("data-status"))).toEqual(["succeeded", "running", "pending"]);
    expect(steps[0].textContent).toContain("20 % of traffic on web:1.1");
    expect(within(detail).getByTestId("canary-weight").getAttribute("aria-valuenow")).toBe("20");
    expect(within(detail).getByTestId("analysis-run").textContent).toContain("success_rate = 0.93");
    expect(VERBS.filter((v) => !button(`deploy-${v}`).disabled)).toEqual(["resume", "promote", "abort", "cancel"]);
    expect(screen.getAllByTestId("deployment-row")).toHaveLength(1);
  });

  it("enables nothing on a finished deployment, and a live deployment event brings the new status and its buttons", async () => {
    const sse = sseStream();
    let status = "succeeded";
    const fetch = mockApi(routes(() => deployment({ status }), { "GET /api/v1/events:stream": () => sse.response() }));
    const reads = () => calls(fetch).filter((c) => c.url.pathname === "/api/v1/deployments/dep-2").length;
    render();
    const detail = await screen.findByTestId("deployment-detail");
    for (const v of VERBS) expect(button(`deploy-${v}`).disabled).toBe(true);
    sse.push(`event: ready\nid: 0:1\ndata: {}\n\n`);
    // Turning live reloads once; only after that may the status change, so the event alone must bring it.
    await waitFor(() => expect(reads()).toBe(2));
    status = "progressing";
    const event = { kind: "event", id: "e1", type: "deployment.step_started", aggregate: { kind: "deployment", id: "dep-2" }, summary: {} };
    sse.push(`event: audit\nid: 0:2\ndata: ${JSON.stringify(event)}\n\n`);
    await waitFor(() => expect(within(detail).getByTestId("deployment-status").textContent).toBe("progressing"));
    expect(VERBS.filter((v) => !button(`deploy-${v}`).disabled)).toEqual(["pause", "promote", "abort", "cancel"]);
  });

  it("resumes with POST :resume, and aborts only once the confirm is accepted", async () => {
    const fetch = mockApi(
      routes(() => deployment(), {
        "POST /api/v1/deployments/dep-2:resume": () => json(200, deployment({ status: "progressing" })),
        "POST /api/v1/deployments/dep-2:abort": () => json(200, deployment({ status: "rolling_back" })),
      }),
    );
    render();
    fireEvent.click(await screen.findByTestId("deploy-resume"));
    await waitFor(() => expect(posts(fetch)).toEqual(["/api/v1/deployments/dep-2:resume"]));
    await waitFor(() => expect(button("deploy-abort").disabled).toBe(false));
    fireEvent.click(button("deploy-abort"));
    fireEvent.click(await screen.findByTestId("confirm-cancel"));
    expect(posts(fetch)).toEqual(["/api/v1/deployments/dep-2:resume"]);
    fireEvent.click(button("deploy-abort"));
    fireEvent.click(await screen.findByTestId("confirm-ok"));
    await waitFor(() => expect(posts(fetch)).toEqual(["/api/v1/deployments/dep-2:resume", "/api/v1/deployments/dep-2:abort"]));
  });

  it("starts a canary with Argo steps; 409 DEPLOYMENT_IN_PROGRESS reveals supersede, and the retry sends it", async () => {
    let busy = true;
    const fetch = mockApi(
      routes(() => deployment(), {
        [`POST ${BASE}/deployments`]: () =>
          busy ? problem(409, "DEPLOYMENT_IN_PROGRESS", "deployment dep-2 is paused on this cluster")() : json(202, deployment({ id: "dep-3", status: "pending" }), { Location: "/api/v1/deployments/dep-3" }),
        "GET /api/v1/deployments/dep-3": () => json(200, deployment({ id: "dep-3", status: "progressing" })),
      }),
    );
    render();
    const form = await screen.findByTestId("deploy-form");
    fireEvent.change(within(form).getByLabelText("Image"), { target: { value: "web:1.2" } });
    fireEvent.change(within(form).getByLabelText("Strategy"), { target: { value: "argo" } });
    fireEvent.change(within(form).getByLabelText("Canary steps"), { target: { value: "weight 20\npause 30\npause\nanalysis\nweight 100" } });
    fireEvent.click(within(form).getByTestId("deploy-analysis"));
    expect(within(form).queryByTestId("deploy-supersede")).toBeNull();
    fireEvent.click(within(form).getByTestId("deploy-submit"));
    expect((await within(form).findByRole("alert")).textContent).toContain("DEPLOYMENT_IN_PROGRESS");
    expect(bodyOf(calls(fetch).find((c) => c.method === "POST")!.init)).toEqual({
      image: "web:1.2",
      replicas: 3,
      strategy: { type: "canary", steps: [{ set_weight: 20 }, { pause: { duration_seconds: 30 } }, { pause: {} }, { analysis: {} }, { set_weight: 100 }] },
      analysis: { metrics: [{ name: "success_rate", success_condition: "result >= 0.95" }] },
      auto_rollback: true,
    });
    busy = false;
    fireEvent.click(within(form).getByTestId("deploy-supersede"));
    fireEvent.click(within(form).getByTestId("deploy-submit"));
    await waitFor(() => expect(calls(fetch).filter((c) => c.method === "POST")).toHaveLength(2));
    expect(bodyOf(calls(fetch).filter((c) => c.method === "POST")[1].init)).toMatchObject({ supersede: true });
    await waitFor(() => expect(calls(fetch).some((c) => c.url.pathname === "/api/v1/deployments/dep-3")).toBe(true));
  });

  it("sends Flagger weights and the auto-rollback choice, refuses a bad step line before sending, and shows a 422 pointer under its field", async () => {
    const fetch = mockApi(
      routes(() => deployment(), {
        [`POST ${BASE}/deployments`]: problem(422, "INVALID_ARGUMENT", "invalid deployment", [{ pointer: "#/image", code: "INVALID_FORMAT", detail: "not an image reference" }]),
      }),
    );
    render();
    const form = await screen.findByTestId("deploy-form");
    fireEvent.change(within(form).getByLabelText("Image"), { target: { value: "Not An Image" } });
    fireEvent.change(within(form).getByLabelText("Strategy"), { target: { value: "argo" } });
    fireEvent.change(within(form).getByLabelText("Canary steps"), { target: { value: "weight twenty" } });
    fireEvent.click(within(form).getByTestId("deploy-submit"));
    expect((await within(form).findByTestId("deploy-error-strategy")).textContent).toContain('"weight twenty" is not a step');
    expect(calls(fetch).filter((c) => c.method === "POST")).toHaveLength(0);
    fireEvent.change(within(form).getByLabelText("Strategy"), { target: { value: "flagger" } });
    fireEvent.change(within(form).getByLabelText("Max weight"), { target: { value: "60" } });
    fireEvent.click(within(form).getByTestId("deploy-auto-rollback"));
    fireEvent.click(within(form).getByTestId("deploy-submit"));
    expect((await within(form).findByTestId("deploy-error-image")).textContent).toBe("not an image reference");
    expect(bodyOf(calls(fetch).find((c) => c.method === "POST")!.init)).toEqual({ image: "Not An Image", replicas: 3, strategy: { type: "canary", step_weight: 10, max_weight: 60 }, auto_rollback: false });
  });

  it("rolls back to a revision with If-Match = the cluster's version, and shows 428 and 412 problems", async () => {
    let answer = 428;
    const fetch = mockApi(
      routes(() => deployment({ status: "succeeded" }), {
        [`POST ${BASE}/deployments:rollback`]: () =>
          answer === 428
            ? problem(428, "PRECONDITION_REQUIRED", "If-Match is required to roll back")()
            : answer === 412
              ? problem(412, "PRECONDITION_FAILED", "the cluster is at version 8")()
              : json(202, deployment({ id: "dep-4", deployment_kind: "rollback", status: "promoting" })),
      }),
    );
    const onClusterChanged = render();
    const rows = await screen.findAllByTestId("revision-row");
    expect(within(rows[1]).queryByTestId("revision-rollback")).toBeNull();
    fireEvent.click(within(rows[0]).getByTestId("revision-rollback"));
    fireEvent.click(await screen.findByTestId("confirm-ok"));
    expect((await screen.findByText(/If-Match is required to roll back/)).textContent).toContain("PRECONDITION_REQUIRED");
    const post = calls(fetch).find((c) => c.method === "POST")!;
    expect((post.init.headers as Record<string, string>)["If-Match"]).toBe('"7"');
    expect(bodyOf(post.init)).toEqual({ to_revision: 2 });
    answer = 412;
    fireEvent.click(within(screen.getAllByTestId("revision-row")[0]).getByTestId("revision-rollback"));
    fireEvent.click(await screen.findByTestId("confirm-ok"));
    expect(await screen.findByText(/Changed by someone else/)).toBeTruthy();
    expect(onClusterChanged).toHaveBeenCalled();
  });
});
