// Page tests for /jobs/:id: facts, progress, result and last error; Cancel / Retry / Delete enabled by status (§12.3);
// the attempts table; the live log tail appending streamed lines, and its fallback to paged logs; the trace link.
import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { calls, job, JOB_ID, logLine, mockApi, sseDone, sseStream } from "../test/api";
import { json } from "../test/http";
import { renderRoute } from "../test/render";

const ATTEMPTS = {
  attempts: [
    { kind: "job_attempt", job_id: JOB_ID, attempt: 1, run_attempt: 1, worker_id: "writer-a/w1", started_at: "2026-12-02T15:00:00Z", finished_at: "2026-12-02T15:00:02Z", outcome: "failed", error: { code: "HANDLER_FAILED", message: "boom", retryable: true } },
    { kind: "job_attempt", job_id: JOB_ID, attempt: 2, run_attempt: 2, worker_id: "writer-a/w2", started_at: "2026-12-02T15:00:05Z", finished_at: null, outcome: null, error: null },
  ],
  meta: { total: 2 },
};

const base = `/api/v1/jobs/${JOB_ID}`;

function detailApi(j: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return mockApi({
    [`GET ${base}`]: j,
    [`GET ${base}/attempts`]: ATTEMPTS,
    [`GET ${base}/logs:stream`]: () => sseDone([], String(j.status)),
    [`GET ${base}/logs`]: { lines: [], meta: { total: 0 } },
    ...extra,
  });
}

const button = (id: string) => screen.getByTestId(id) as HTMLButtonElement;

describe("JobDetailPage", () => {
  it("shows status, progress, arguments and attempts of a running job; only Cancel is enabled", async () => {
    detailApi(job({ cluster_id: "c-1" }));
    renderRoute(`/jobs/${JOB_ID}`);
    expect((await screen.findByTestId("job-status")).textContent).toBe("running");
    const bar = within(screen.getByTestId("job-progress")).getByRole("progressbar");
    expect(bar.getAttribute("aria-valuenow")).toBe("40");
    expect(bar.textContent).toContain("step 2 of 5");
    expect(JSON.parse(screen.getByTestId("job-args").textContent!)).toEqual({ seconds: 10, steps: 5 });
    expect(screen.getByText("cluster c-1").getAttribute("href")).toBe("/clusters/c-1");
    const rows = await screen.findAllByTestId("attempt-row");
    expect(rows).toHaveLength(2);
    expect(rows[0].textContent).toContain("HANDLER_FAILED: boom");
    expect(within(rows[1]).getByText("running")).toBeTruthy();
    expect(button("job-cancel").disabled).toBe(false);
    expect(button("job-retry").disabled).toBe(true);
    expect(button("job-delete").disabled).toBe(true);
  });

  it("links the job's trace to its log lines on the Monitoring page", async () => {
    detailApi(job({ trace_id: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" }));
    renderRoute(`/jobs/${JOB_ID}`);
    const link = await screen.findByTestId("job-trace");
    expect(link.getAttribute("href")).toBe("/observability?trace_id=4bf92f3577b34da6a3ce929d0e0e4736");
  });

  it("enables Retry and Delete for a dead job and shows its last error", async () => {
    detailApi(job({ status: "dead", attempt: 5, lease: null, last_error: { code: "HANDLER_FAILED", message: "failed on purpose", retryable: true } }));
    renderRoute(`/jobs/${JOB_ID}`);
    expect((await screen.findByTestId("job-status")).textContent).toBe("dead");
    expect(screen.getByTestId("job-last-error").textContent).toContain("HANDLER_FAILED: failed on purpose");
    expect(button("job-cancel").disabled).toBe(true);
    expect(button("job-retry").disabled).toBe(false);
    expect(button("job-delete").disabled).toBe(false);
  });

  it("shows the result of a succeeded job; only Delete is enabled", async () => {
    detailApi(job({ status: "succeeded", lease: null, progress: { percent: 100, message: "done" }, result: { slept_seconds: 10 } }));
    renderRoute(`/jobs/${JOB_ID}`);
    expect(JSON.parse((await screen.findByTestId("job-result")).textContent!)).toEqual({ slept_seconds: 10 });
    expect(button("job-cancel").disabled).toBe(true);
    expect(button("job-retry").disabled).toBe(true);
    expect(button("job-delete").disabled).toBe(false);
  });

  it("disables Cancel once a cancel was requested", async () => {
    detailApi(job({ cancel_requested: true }));
    renderRoute(`/jobs/${JOB_ID}`);
    await screen.findByTestId("job-status");
    expect(button("job-cancel").disabled).toBe(true);
    expect(screen.getByText("cancelling…")).toBeTruthy();
  });

  it("cancels and retries through the verbs, and reopens the log tail when the job runs again", async () => {
    let state = job();
    const fetch = detailApi(job(), {
      [`GET ${base}`]: () => json(200, state),
      [`POST ${base}:cancel`]: () => {
        state = job({ status: "cancelled", lease: null });
        return json(200, state);
      },
      [`POST ${base}:retry`]: () => {
        state = job({ status: "queued", attempt: 0, lease: null });
        return json(200, state);
      },
    });
    renderRoute(`/jobs/${JOB_ID}`);
    await screen.findByTestId("job-status");
    fireEvent.click(button("job-cancel"));
    await waitFor(() => expect(screen.getByTestId("job-status").textContent).toBe("cancelled"));
    expect(button("job-retry").disabled).toBe(false);
    fireEvent.click(button("job-retry"));
    await waitFor(() => expect(screen.getByTestId("job-status").textContent).toBe("queued"));
    expect(calls(fetch).filter((c) => c.method === "POST").map((c) => c.url.pathname)).toEqual([`${base}:cancel`, `${base}:retry`]);
    // Back to work: the log tail opens again.
    await waitFor(() => expect(calls(fetch).filter((c) => c.url.pathname === `${base}/logs:stream`).length).toBe(2));
  });

  it("deletes a finished job after confirming, then goes back to the list", async () => {
    const fetch = detailApi(job({ status: "failed", lease: null }), {
      [`DELETE ${base}`]: () => new Response(null, { status: 204 }),
      "GET /api/v1/jobs": { jobs: [], meta: { total: 0 } },
      "GET /api/v1/clusters": { clusters: [], meta: { total: 0 } },
    });
    const { router } = renderRoute(`/jobs/${JOB_ID}`);
    await screen.findByTestId("job-status");
    fireEvent.click(button("job-delete"));
    expect((await screen.findByTestId("confirm-dialog")).textContent).toContain(`Delete job ${JOB_ID.slice(0, 8)}?`);
    fireEvent.click(screen.getByTestId("confirm-ok"));
    await waitFor(() => expect(router.state.location.pathname).toBe("/jobs"));
    expect(calls(fetch).some((c) => c.method === "DELETE" && c.url.pathname === base)).toBe(true);
  });

  it("appends log lines as the stream sends them, until the end event", async () => {
    const s = sseStream();
    const fetch = detailApi(job(), { [`GET ${base}/logs:stream`]: () => s.response() });
    renderRoute(`/jobs/${JOB_ID}`);
    await screen.findByTestId("job-status");
    await waitFor(() => expect(calls(fetch).some((c) => c.url.pathname === `${base}/logs:stream`)).toBe(true));
    act(() => s.line(logLine(1, "starting")));
    expect(await screen.findByText(/starting/)).toBeTruthy();
    act(() => {
      s.push(": waiting\n\n");
      s.line(logLine(2, "step 1 of 5", { level: "warn" }));
    });
    await waitFor(() => expect(screen.getAllByTestId("log-line")).toHaveLength(2));
    expect(screen.getAllByTestId("log-line")[1].textContent).toContain("step 1 of 5");
    expect(screen.getByTestId("log-mode").textContent).toBe("live");
    act(() => s.end("succeeded"));
    await waitFor(() => expect(screen.getByTestId("log-mode").textContent).toBe("ended (succeeded)"));
    const stream = calls(fetch).find((c) => c.url.pathname === `${base}/logs:stream`)!;
    expect((stream.init.headers as Record<string, string>).Authorization).toBe("Bearer dev");
  });

  it("falls back to polling the paged logs when the stream is not available", async () => {
    let polls = 0;
    const fetch = detailApi(job({ status: "succeeded", lease: null }), {
      [`GET ${base}/logs:stream`]: () => json(501, { title: "Not Implemented", status: 501 }),
      [`GET ${base}/logs`]: (u: URL) => {
        polls++;
        return u.searchParams.get("page_token")
          ? json(200, { lines: [], meta: { total: 2 } })
          : json(200, { lines: [logLine(1, "one"), logLine(2, "two")], meta: { total: 2 } });
      },
    });
    renderRoute(`/jobs/${JOB_ID}`);
    await waitFor(() => expect(screen.getAllByTestId("log-line")).toHaveLength(2));
    expect(screen.getByTestId("log-mode").textContent).toMatch(/polling|ended/);
    await waitFor(() => expect(screen.getByTestId("log-mode").textContent).toBe("ended"), { timeout: 6000 });
    const next = calls(fetch).filter((c) => c.url.pathname === `${base}/logs`).at(-1)!.url;
    expect(next.searchParams.get("page_token")).toBe("2");
    expect(polls).toBeGreaterThanOrEqual(2);
  }, 15_000);

  it("shows a problem and a way back for an unknown job", async () => {
    mockApi({});
    renderRoute(`/jobs/nope`);
    expect((await screen.findByRole("alert")).textContent).toContain("no mock for GET /api/v1/jobs/nope");
    expect(screen.getByText("Back to jobs").getAttribute("href")).toBe("/jobs");
  });
});
