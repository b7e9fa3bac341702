// Component tests for the droplet list: rendering, catalog-driven filters, tag filter, paging, visible-only polling, errors.
import { fireEvent, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { DropletList, POLL_MS } from "./DropletList";
import { calls, CLUSTER_ID, mockApi, sseStream } from "../test/api";
import { droplet, json } from "../test/http";
import { renderWithProviders } from "../test/render";

const listCalls = (fetch: ReturnType<typeof mockApi>) => calls(fetch).filter((c) => c.url.pathname === "/api/v1/droplets");

describe("DropletList", () => {
  it("shows droplets, the total, a node's cluster, and selects on click", async () => {
    mockApi({
      "GET /api/v1/droplets": {
        droplets: [droplet({ tags: ["env:prod"] }), droplet({ id: "b", name: "db-1", status: "off", networks: { v4: [] }, cluster_id: CLUSTER_ID })],
        meta: { total: 2 },
      },
    });
    const onSelect = vi.fn();
    renderWithProviders(<DropletList refreshKey={0} onSelect={onSelect} />);
    expect(await screen.findByText("web-1")).toBeTruthy();
    expect(screen.getByText("env:prod")).toBeTruthy();
    expect(screen.getByTestId("total").textContent).toBe("2 total");
    expect(screen.getByText(CLUSTER_ID.slice(0, 8)).getAttribute("href")).toBe(`/clusters/${CLUSTER_ID}`);
    expect((screen.getByText("Next page") as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByText("db-1"));
    expect(onSelect).toHaveBeenCalledWith("b");
  });

  it("applies status, region (from the catalog), name and tag filters", async () => {
    const fetch = mockApi({ "GET /api/v1/droplets": { droplets: [], meta: { total: 0 } } });
    renderWithProviders(<DropletList refreshKey={0} onSelect={() => {}} />);
    await screen.findByText(/No droplets match/);
    await screen.findByRole("option", { name: "fra1" });
    fireEvent.change(screen.getByLabelText("Status filter"), { target: { value: "active" } });
    fireEvent.change(screen.getByLabelText("Region filter"), { target: { value: "fra1" } });
    fireEvent.change(screen.getByLabelText("Search by name"), { target: { value: "web" } });
    fireEvent.change(screen.getByLabelText("Tag filter"), { target: { value: "env:prod" } });
    await waitFor(() => {
      const last = listCalls(fetch).at(-1)!.url;
      expect(last.searchParams.get("filter")).toBe('status="active" AND region="fra1" AND name="web*"');
      expect(last.searchParams.get("tag_name")).toBe("env:prod");
    });
    expect(screen.getByText("No droplets match these filters.")).toBeTruthy();
  });

  it("follows next_page_token with the next-page button", async () => {
    const fetch = mockApi({
      "GET /api/v1/droplets": (url: URL) =>
        url.searchParams.get("page_token")
          ? json(200, { droplets: [droplet({ id: "p2", name: "page-two" })], meta: { total: 21 } })
          : json(200, { droplets: [droplet()], next_page_token: "TOK2", meta: { total: 21 } }),
    });
    renderWithProviders(<DropletList refreshKey={0} onSelect={() => {}} />);
    await screen.findByText("web-1");
    fireEvent.click(screen.getByText("Next page"));
    expect(await screen.findByText("page-two")).toBeTruthy();
    expect(listCalls(fetch).at(-1)!.url.searchParams.get("page_token")).toBe("TOK2");
    expect(screen.getByText("Page 2")).toBeTruthy();
  });

  it("polls every POLL_MS while the event stream is down and the page is visible, not while it is hidden", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      let n = 0;
      const fetch = mockApi({
        "GET /api/v1/droplets": () => {
          n += 1;
          return json(200, { droplets: [droplet({ status: n < 2 ? "new" : "active" })], meta: { total: 1 } });
        },
      });
      renderWithProviders(<DropletList refreshKey={0} onSelect={() => {}} />);
      await screen.findByText("new", { selector: ".pill" });
      await vi.advanceTimersByTimeAsync(POLL_MS + 100);
      await screen.findByText("active", { selector: ".pill" });
      const visibility = vi.spyOn(document, "visibilityState", "get").mockReturnValue("hidden");
      const before = listCalls(fetch).length;
      await vi.advanceTimersByTimeAsync(3 * POLL_MS);
      expect(listCalls(fetch).length).toBe(before);
      visibility.mockReturnValue("visible");
      document.dispatchEvent(new Event("visibilitychange"));
      await waitFor(() => expect(listCalls(fetch).length).toBe(before + 1));
    } finally {
      vi.useRealTimers();
    }
  });

  it("reloads on a live droplet event and does not poll while the stream is live", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      const sse = sseStream();
      let provisioned = false;
      const fetch = mockApi({
        "GET /api/v1/droplets": () => json(200, { droplets: [droplet({ status: provisioned ? "active" : "new" })], meta: { total: 1 } }),
        "GET /api/v1/events:stream": () => sse.response(),
      });
      renderWithProviders(<DropletList refreshKey={0} onSelect={() => {}} />);
      await screen.findByText("new", { selector: ".pill" });
      sse.push(`event: ready\nid: 0:1\ndata: {}\n\n`);
      // Turning live reloads once (events before the stream opened are not missed); then no polling.
      await waitFor(() => expect(listCalls(fetch).length).toBe(2));
      const before = listCalls(fetch).length;
      await vi.advanceTimersByTimeAsync(3 * POLL_MS);
      expect(listCalls(fetch).length).toBe(before);
      provisioned = true;
      const event = { kind: "event", id: "e1", type: "droplet.provisioned", aggregate: { kind: "droplet", id: "d" }, summary: {} };
      sse.push(`event: audit\nid: 0:2\ndata: ${JSON.stringify(event)}\n\n`);
      await screen.findByText("active", { selector: ".pill" });
      expect(listCalls(fetch).length).toBe(before + 1);
    } finally {
      vi.useRealTimers();
    }
  });

  it("shows the problem detail when the list fails", async () => {
    mockApi({
      "GET /api/v1/droplets": () => json(401, { title: "Unauthenticated", status: 401, detail: "missing bearer token", code: "UNAUTHENTICATED" }),
    });
    renderWithProviders(<DropletList refreshKey={0} onSelect={() => {}} />);
    expect((await screen.findByRole("alert")).textContent).toContain("missing bearer token");
  });
});
