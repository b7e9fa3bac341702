// Tests for the app shell and routing: sidebar, Demo Mode badge, version, rate-limit indicator, token hint, 404 page, sign-in via hashchange.
import { act, fireEvent, screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { getToken } from "../api/client";
import { mockApi } from "../test/api";
import { json, mockFetch } from "../test/http";
import { renderRoute } from "../test/render";

const empty = {
  "GET /api/v1/droplets": { droplets: [], meta: { total: 0 } },
  "GET /api/v1/clusters": { clusters: [], meta: { total: 0 } },
  "GET /api/v1/operations": { operations: [], meta: { total: 0 } },
};

describe("Layout and routes", () => {
  it("shows the sidebar, the Demo Mode badge and the build version", async () => {
    mockApi(empty);
    renderRoute("/");
    expect(screen.getByTestId("demo-badge").textContent).toBe("Demo Mode");
    expect(screen.getByTestId("app-version").textContent).toMatch(/^v\d+\.\d+\.\d+/);
    for (const id of ["nav-dashboard", "nav-droplets", "nav-clusters", "nav-new-cluster", "nav-operations", "nav-jobs", "nav-queues", "nav-rate-limits", "nav-observability"])
      expect(screen.getByTestId(id)).toBeTruthy();
    expect(screen.getByTestId("nav-dashboard").className).toContain("active");
    expect(await screen.findByTestId("dash-droplets")).toBeTruthy();
  });

  it("navigates with the sidebar", async () => {
    mockApi(empty);
    const { router } = renderRoute("/");
    fireEvent.click(screen.getByTestId("nav-clusters"));
    await waitFor(() => expect(router.state.location.pathname).toBe("/clusters"));
    expect(await screen.findByText("No clusters yet.")).toBeTruthy();
    fireEvent.click(screen.getByTestId("nav-operations"));
    expect(await screen.findByText("No operations match.")).toBeTruthy();
  });

  it("reaches the jobs, queues, rate limits and observability pages from the sidebar", async () => {
    mockApi({
      ...empty,
      "GET /api/v1/jobs": { jobs: [], meta: { total: 0 } },
      "GET /api/v1/queues": { queues: [] },
      "GET /api/v1/rate_limit": { kind: "rate_limit", user_id: "dev", source: "redis", policy_version: 0, policies: [] },
      "GET /api/v1/rate_limit_policies/default": () => json(403, { title: "Forbidden", status: 403, code: "PERMISSION_DENIED" }),
      "GET /api/v1/observability/workers": { instances: [] },
      "GET /api/v1/observability/partitions": { partitions: [] },
      "GET /api/v1/observability/projection": { projection: "read_models_v1", partitions: [], published_at: "2026-12-02T16:00:00Z" },
    });
    const { router } = renderRoute("/");
    fireEvent.click(screen.getByTestId("nav-jobs"));
    expect(await screen.findByText("No jobs yet.")).toBeTruthy();
    fireEvent.click(screen.getByTestId("nav-queues"));
    expect(await screen.findByText("No queue holds unfinished jobs.")).toBeTruthy();
    fireEvent.click(screen.getByTestId("nav-rate-limits"));
    expect(await screen.findByTestId("limits-not-admin")).toBeTruthy();
    fireEvent.click(screen.getByTestId("nav-observability"));
    expect(await screen.findByText("No worker pool has reported yet.")).toBeTruthy();
    expect(router.state.location.pathname).toBe("/observability");
  });

  it("shows the RateLimit headers of the last answer in the top bar", async () => {
    mockFetch((raw) =>
      String(raw).startsWith("/api/")
        ? json(200, String(raw).includes("droplets") ? { droplets: [], meta: { total: 0 } } : { clusters: [], operations: [], jobs: [], meta: { total: 0 } }, {
            RateLimit: '"minute";r=187;t=12',
            "RateLimit-Policy": '"minute";q=250;w=60',
            "RateLimit-Limit": "250",
            "RateLimit-Remaining": "187",
            "RateLimit-Reset": "12",
          })
        : json(200, { status: "ready", checks: {} }),
    );
    renderRoute("/");
    const badge = await screen.findByTestId("rate-limit-indicator");
    expect(badge.textContent).toBe("minute 187/250 · 12 s");
    expect(badge.getAttribute("href")).toBe("/rate-limits");
  });

  it("renders a 404 page for unknown paths", () => {
    mockApi(empty);
    renderRoute("/no/such/page");
    expect(screen.getByTestId("not-found").textContent).toContain("/no/such/page");
  });

  it("asks for a token when there is none, and signs in from a #token= fragment", async () => {
    const fetch = mockApi(empty);
    renderRoute("/droplets", "");
    expect(screen.getByTestId("token-hint")).toBeTruthy();
    expect(fetch.mock.calls.filter(([u]) => String(u).startsWith("/api/")).length).toBe(0);
    act(() => {
      window.history.replaceState(null, "", "/droplets#token=from-link");
      window.dispatchEvent(new HashChangeEvent("hashchange"));
    });
    expect(await screen.findByText("No droplets match yet.")).toBeTruthy();
    expect(getToken()).toBe("from-link");
    expect(window.location.hash).toBe("");
    expect((screen.getByLabelText("API token") as HTMLInputElement).value).toBe("from-link");
  });
});
