// Page tests for /jobs: rows with progress, errors and actions by status; filters in the query string and the URL; paging;
// the enqueue form's body per type, 422 field errors, 409 DUPLICATE_JOB with a link, 503 QUEUE_FULL / 429 with Retry-After.
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { bodyOf, calls, cluster, CLUSTER_ID, job, JOB_ID, mockApi, pool, POOL_ID } from "../test/api";
import { json } from "../test/http";
import { renderRoute } from "../test/render";

const JOBS = [
  job(),
  job({ id: "j-2", type: "fail", status: "dead", progress: { percent: 0, message: "" }, last_error: { code: "HANDLER_FAILED", message: "failed on purpose", retryable: true }, lease: null }),
  job({ id: "j-3", status: "succeeded", progress: { percent: 100, message: "done" }, result: { slept_seconds: 10 }, lease: null }),
  job({ id: "j-4", status: "queued", progress: { percent: 0, message: "" }, lease: null }),
];

function jobsApi(extra: Record<string, unknown> = {}) {
  return mockApi({
    "GET /api/v1/jobs": { jobs: JOBS, meta: { total: 4 }, next_page_token: "page-2" },
    "GET /api/v1/clusters": { clusters: [cluster({ node_pools: [pool(), pool({ id: "p2", name: "gpu" })] })], meta: { total: 1 } },
    ...extra,
  });
}

const postOf = (fetch: ReturnType<typeof mockApi>) => calls(fetch).filter((c) => c.method === "POST" && c.url.pathname === "/api/v1/jobs");

describe("JobsPage", () => {
  it("lists jobs with progress, error, result and the actions their status allows", async () => {
    jobsApi();
    renderRoute("/jobs");
    const rows = await screen.findAllByTestId("job-row");
    expect(rows).toHaveLength(4);
    expect(within(rows[0]).getByRole("progressbar").getAttribute("aria-valuenow")).toBe("40");
    expect(within(rows[0]).getByText(JOB_ID.slice(0, 8)).getAttribute("href")).toBe(`/jobs/${JOB_ID}`);
    expect(within(rows[1]).getByTestId("job-error").textContent).toBe("HANDLER_FAILED: failed on purpose");
    expect(within(rows[2]).getByText('{"slept_seconds":10}')).toBeTruthy();
    expect(within(rows[0]).getByTestId("cancel-job")).toBeTruthy();
    expect(within(rows[0]).queryByTestId("retry-job")).toBeNull();
    expect(within(rows[1]).getByTestId("retry-job")).toBeTruthy();
    expect(within(rows[1]).queryByTestId("cancel-job")).toBeNull();
    expect(within(rows[2]).queryByRole("button")).toBeNull();
    expect(within(rows[3]).getByTestId("cancel-job")).toBeTruthy();
    expect(screen.getByTestId("jobs-total").textContent).toBe("4 total");
  });

  it("puts every filter in the query string and the URL, and pages with page_token", async () => {
    const fetch = jobsApi();
    const { router } = renderRoute("/jobs");
    await screen.findAllByTestId("job-row");
    fireEvent.change(screen.getByLabelText("Job status"), { target: { value: "dead" } });
    fireEvent.change(screen.getByLabelText("Job type"), { target: { value: "fail" } });
    fireEvent.change(screen.getByLabelText("Job queue"), { target: { value: "bulk" } });
    fireEvent.change(screen.getByLabelText("Job priority"), { target: { value: "0" } });
    fireEvent.change(screen.getByLabelText("Job cluster"), { target: { value: CLUSTER_ID } });
    await waitFor(() => {
      const last = calls(fetch).filter((c) => c.url.pathname === "/api/v1/jobs" && c.method === "GET").at(-1)!.url;
      expect(Object.fromEntries(last.searchParams)).toEqual({ status: "dead", type: "fail", queue: "bulk", priority: "0", cluster_id: CLUSTER_ID, page_size: "20" });
    });
    expect(router.state.location.search).toBe(`?status=dead&type=fail&queue=bulk&priority=0&cluster_id=${CLUSTER_ID}`);
    fireEvent.click(screen.getByText("Next page"));
    await waitFor(() => {
      const last = calls(fetch).filter((c) => c.url.pathname === "/api/v1/jobs" && c.method === "GET").at(-1)!.url;
      expect(last.searchParams.get("page_token")).toBe("page-2");
      expect(last.searchParams.get("status")).toBe("dead");
    });
    expect(screen.getByText("Page 2")).toBeTruthy();
  }, 15_000);

  it("reads filters from the URL", async () => {
    const fetch = jobsApi();
    renderRoute("/jobs?status=queued&queue=default");
    await screen.findAllByTestId("job-row");
    const first = calls(fetch).find((c) => c.url.pathname === "/api/v1/jobs")!.url;
    expect(first.searchParams.get("status")).toBe("queued");
    expect(first.searchParams.get("queue")).toBe("default");
    expect((screen.getByLabelText("Job status") as HTMLSelectElement).value).toBe("queued");
  });

  it("sends the typed arguments of each job type", async () => {
    const fetch = jobsApi({ "POST /api/v1/jobs": () => json(201, job({ status: "queued" }), { Location: `/api/v1/jobs/${JOB_ID}` }) });
    renderRoute("/jobs");
    await screen.findAllByTestId("job-row");

    // sleep (the default type) with queue, priority, timeout and unique key
    fireEvent.change(screen.getByTestId("job-seconds"), { target: { value: "3" } });
    fireEvent.change(screen.getByTestId("job-steps"), { target: { value: "2" } });
    fireEvent.change(screen.getByTestId("job-queue"), { target: { value: "bulk" } });
    fireEvent.change(screen.getByTestId("job-priority"), { target: { value: "1" } });
    fireEvent.change(screen.getByTestId("job-timeout"), { target: { value: "60" } });
    fireEvent.change(screen.getByTestId("job-unique-key"), { target: { value: "nightly-1" } });
    fireEvent.click(screen.getByTestId("create-job-submit"));
    await waitFor(() => expect(postOf(fetch)).toHaveLength(1));
    expect(bodyOf(postOf(fetch)[0].init)).toEqual({ type: "sleep", args: { seconds: 3, steps: 2 }, queue: "bulk", priority: 1, timeout_seconds: 60, unique_key: "nightly-1" });
    expect((postOf(fetch)[0].init.headers as Record<string, string>)["Idempotency-Key"]).toBeTruthy();
    expect((await screen.findByTestId("job-created")).textContent).toContain(JOB_ID.slice(0, 8));
    fireEvent.change(screen.getByTestId("job-timeout"), { target: { value: "" } });
    fireEvent.change(screen.getByTestId("job-unique-key"), { target: { value: "" } });
    fireEvent.change(screen.getByTestId("job-queue"), { target: { value: "default" } });
    fireEvent.change(screen.getByTestId("job-priority"), { target: { value: "5" } });

    // provision: cluster and pool from the API
    fireEvent.change(screen.getByTestId("job-type"), { target: { value: "provision" } });
    await screen.findByRole("option", { name: "prod-1 (nyc1)" });
    fireEvent.change(screen.getByTestId("job-cluster"), { target: { value: CLUSTER_ID } });
    expect((screen.getByTestId("job-pool") as HTMLSelectElement).value).toBe(POOL_ID);
    fireEvent.change(screen.getByTestId("job-count"), { target: { value: "2" } });
    fireEvent.click(screen.getByTestId("create-job-submit"));
    await waitFor(() => expect(postOf(fetch)).toHaveLength(2));
    expect(bodyOf(postOf(fetch)[1].init)).toEqual({ type: "provision", args: { cluster_id: CLUSTER_ID, node_pool_id: POOL_ID, count: 2 }, queue: "default", priority: 5 });

    // scale by delta, on the second pool
    fireEvent.change(screen.getByTestId("job-type"), { target: { value: "scale" } });
    fireEvent.change(screen.getByTestId("job-pool"), { target: { value: "p2" } });
    fireEvent.change(screen.getByTestId("job-scale-mode"), { target: { value: "delta" } });
    fireEvent.change(screen.getByTestId("job-scale-value"), { target: { value: "-1" } });
    fireEvent.click(screen.getByTestId("create-job-submit"));
    await waitFor(() => expect(postOf(fetch)).toHaveLength(3));
    expect(bodyOf(postOf(fetch)[2].init)).toMatchObject({ type: "scale", args: { cluster_id: CLUSTER_ID, node_pool_id: "p2", delta: -1 } });

    // diagnose: only the cluster
    fireEvent.change(screen.getByTestId("job-type"), { target: { value: "diagnose" } });
    expect(screen.queryByTestId("job-pool")).toBeNull();
    fireEvent.click(screen.getByTestId("create-job-submit"));
    await waitFor(() => expect(postOf(fetch)).toHaveLength(4));
    expect(bodyOf(postOf(fetch)[3].init)).toMatchObject({ type: "diagnose", args: { cluster_id: CLUSTER_ID } });

    // fail, not retryable, failing the first 2 attempts
    fireEvent.change(screen.getByTestId("job-type"), { target: { value: "fail" } });
    fireEvent.change(screen.getByTestId("job-message"), { target: { value: "boom" } });
    fireEvent.click(screen.getByTestId("job-retryable"));
    fireEvent.change(screen.getByTestId("job-fail-attempts"), { target: { value: "2" } });
    fireEvent.click(screen.getByTestId("create-job-submit"));
    await waitFor(() => expect(postOf(fetch)).toHaveLength(5));
    expect(bodyOf(postOf(fetch)[4].init)).toMatchObject({ type: "fail", args: { message: "boom", retryable: false, fail_attempts: 2 } });
  }, 20_000);

  it("shows 422 problems under the fields they point at", async () => {
    jobsApi({
      "POST /api/v1/jobs": () =>
        json(422, {
          title: "The request is not valid",
          status: 422,
          code: "VALIDATION_FAILED",
          detail: "2 fields are invalid.",
          errors: [
            { pointer: "#/args/seconds", code: "OUT_OF_RANGE", detail: "seconds must be between 0 and 3600" },
            { pointer: "#/queue", code: "INVALID_QUEUE", detail: "queue must be 1 to 64 letters, digits, '-' or '_'" },
          ],
        }),
    });
    renderRoute("/jobs");
    // Values the browser's own checks let through; the API has the last word.
    fireEvent.change(await screen.findByTestId("job-seconds"), { target: { value: "3000" } });
    fireEvent.change(screen.getByTestId("job-queue"), { target: { value: "q.1" } });
    fireEvent.click(screen.getByTestId("create-job-submit"));
    expect((await screen.findByTestId("job-args-seconds-error")).textContent).toBe("seconds must be between 0 and 3600");
    expect(screen.getByTestId("job-queue-error").textContent).toContain("queue must be");
    expect(screen.queryByTestId("job-args-steps-error")).toBeNull();
    expect(within(screen.getByTestId("create-job-form")).getByRole("alert").textContent).toContain("2 fields are invalid.");
  });

  it("links a 409 DUPLICATE_JOB to the job that holds the key", async () => {
    jobsApi({
      "POST /api/v1/jobs": () =>
        json(409, { title: "An equivalent job exists", status: 409, code: "DUPLICATE_JOB", detail: "a job with this unique_key exists: j-9", metadata: { existing_job_id: "j-9" } }),
    });
    renderRoute("/jobs");
    fireEvent.change(await screen.findByTestId("job-unique-key"), { target: { value: "nightly-1" } });
    fireEvent.click(screen.getByTestId("create-job-submit"));
    const link = await screen.findByTestId("existing-job-link");
    expect(link.getAttribute("href")).toBe("/jobs/j-9");
    expect(screen.getByTestId("duplicate-job").textContent).toContain("DUPLICATE_JOB");
  });

  it("says when to try again after 503 QUEUE_FULL and 429", async () => {
    let n = 0;
    jobsApi({
      "POST /api/v1/jobs": () =>
        ++n === 1
          ? json(503, { title: "The queue is full", status: 503, code: "QUEUE_FULL", detail: "queue default holds 100 unfinished jobs, its capacity" }, { "Retry-After": "5" })
          : json(429, { title: "Too Many Requests", status: 429, code: "RATE_LIMITED", detail: "policy jobs_create is exhausted" }, { "Retry-After": "17" }),
    });
    renderRoute("/jobs");
    fireEvent.click(await screen.findByTestId("create-job-submit"));
    expect((await screen.findByTestId("retry-after")).textContent).toBe("queue default holds 100 unfinished jobs, its capacity. Try again in 5 s. (QUEUE_FULL)");
    fireEvent.click(screen.getByTestId("create-job-submit"));
    await waitFor(() => expect(screen.getByTestId("retry-after").textContent).toContain("Try again in 17 s."));
    expect(screen.getByTestId("retry-after").textContent).toContain("RATE_LIMITED");
  });

  it("cancels a queued job and retries a dead one from the table", async () => {
    const fetch = jobsApi({
      "POST /api/v1/jobs/j-4:cancel": () => json(200, job({ id: "j-4", status: "cancelled" })),
      "POST /api/v1/jobs/j-2:retry": () => json(200, job({ id: "j-2", status: "queued" })),
    });
    renderRoute("/jobs");
    const rows = await screen.findAllByTestId("job-row");
    fireEvent.click(within(rows[3]).getByTestId("cancel-job"));
    expect((await screen.findByTestId("toast-info")).textContent).toContain("cancelled");
    fireEvent.click(within(rows[1]).getByTestId("retry-job"));
    expect((await screen.findByTestId("toast-success")).textContent).toContain("queued again");
    const posts = calls(fetch).filter((c) => c.method === "POST").map((c) => c.url.pathname);
    expect(posts).toEqual(["/api/v1/jobs/j-4:cancel", "/api/v1/jobs/j-2:retry"]);
  });
});
