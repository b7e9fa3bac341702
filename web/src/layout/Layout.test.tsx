// Tests for the app shell and routing: sidebar, Demo Mode badge, version, token hint, 404 page, sign-in via hashchange.
import { act, fireEvent, screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { getToken } from "../api/client";
import { mockApi } from "../test/api";
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
    for (const id of ["nav-dashboard", "nav-droplets", "nav-clusters", "nav-new-cluster", "nav-operations"]) expect(screen.getByTestId(id)).toBeTruthy();
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
