// Page tests for /queues: depth / capacity, running, oldest queued age, paused state; Pause and Resume post the verbs.
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { calls, mockApi } from "../test/api";
import { json } from "../test/http";
import { renderRoute } from "../test/render";

const QUEUES = {
  queues: [
    { kind: "queue", name: "bulk", depth: 80, capacity: 100, running: 4, oldest_queued_age_seconds: 125, paused: false },
    { kind: "queue", name: "default", depth: 0, capacity: 100, running: 0, oldest_queued_age_seconds: null, paused: true },
  ],
};

describe("QueuesPage", () => {
  it("lists queues with depth, capacity, running, oldest age and state", async () => {
    mockApi({ "GET /api/v1/queues": QUEUES });
    renderRoute("/queues");
    const rows = await screen.findAllByTestId("queue-row");
    expect(rows).toHaveLength(2);
    expect(within(rows[0]).getByText("bulk").getAttribute("href")).toBe("/jobs?queue=bulk");
    expect(within(rows[0]).getByRole("progressbar").getAttribute("aria-valuenow")).toBe("80");
    expect(within(rows[0]).getByRole("progressbar").textContent).toContain("80 / 100");
    expect(rows[0].children[2].textContent).toBe("4");
    expect(rows[0].children[3].textContent).toBe("2 min 5 s");
    expect(within(rows[0]).getByText("active")).toBeTruthy();
    expect(rows[1].children[3].textContent).toBe("—");
    expect(within(rows[1]).getByText("paused")).toBeTruthy();
  });

  it("pauses and resumes, and shows a refusal", async () => {
    let n = 0;
    const fetch = mockApi({
      "GET /api/v1/queues": QUEUES,
      "POST /api/v1/queues/bulk:pause": () => json(200, { kind: "queue_control", name: "bulk", paused: true }),
      "POST /api/v1/queues/default:resume": () =>
        ++n === 1 ? json(200, { kind: "queue_control", name: "default", paused: false }) : json(403, { title: "Forbidden", status: 403, code: "PERMISSION_DENIED", detail: "role member may not do this" }),
    });
    renderRoute("/queues");
    const rows = await screen.findAllByTestId("queue-row");
    fireEvent.click(within(rows[0]).getByTestId("pause-queue"));
    expect((await screen.findByTestId("toast-success")).textContent).toContain("Queue bulk paused");
    fireEvent.click(within(rows[1]).getByTestId("resume-queue"));
    await waitFor(() => expect(screen.getAllByTestId("toast-success").some((t) => t.textContent!.includes("Queue default resumed"))).toBe(true));
    fireEvent.click(within(rows[1]).getByTestId("resume-queue"));
    expect((await screen.findByTestId("toast-error")).textContent).toContain("role member may not do this");
    const posts = calls(fetch).filter((c) => c.method === "POST");
    expect(posts.map((c) => c.url.pathname)).toEqual(["/api/v1/queues/bulk:pause", "/api/v1/queues/default:resume", "/api/v1/queues/default:resume"]);
    expect((posts[0].init.headers as Record<string, string>)["Idempotency-Key"]).toBeTruthy();
  });
});
