// Component tests for the droplet list: rendering, filters, paging and selection.
import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { DropletList } from "./DropletList";
import { droplet, json, mockFetch } from "../test/http";

function urlOf(call: unknown[]): URL {
  return new URL(call[0] as string, "http://x");
}

describe("DropletList", () => {
  it("shows droplets, the total, and selects on click", async () => {
    mockFetch(() =>
      json(200, {
        droplets: [droplet(), droplet({ id: "b", name: "db-1", status: "off", networks: { v4: [] } })],
        meta: { total: 2 },
      }),
    );
    const onSelect = vi.fn();
    render(<DropletList refreshKey={0} onSelect={onSelect} />);
    expect(await screen.findByText("web-1")).toBeTruthy();
    expect(screen.getByText("db-1")).toBeTruthy();
    expect(screen.getByTestId("total").textContent).toBe("2 total");
    expect((screen.getByText("Next page") as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByText("db-1"));
    expect(onSelect).toHaveBeenCalledWith("b");
  });

  it("applies status, region and name filters", async () => {
    const fetch = mockFetch(() => json(200, { droplets: [], meta: { total: 0 } }));
    render(<DropletList refreshKey={0} onSelect={() => {}} />);
    await screen.findByText(/No droplets match/);
    fireEvent.change(screen.getByLabelText("Status filter"), { target: { value: "active" } });
    fireEvent.change(screen.getByLabelText("Region filter"), { target: { value: "fra1" } });
    fireEvent.change(screen.getByLabelText("Search by name"), { target: { value: "web" } });
    await waitFor(() => {
      const last = urlOf(fetch.mock.calls[fetch.mock.calls.length - 1]);
      expect(last.searchParams.get("filter")).toBe('status="active" AND region="fra1" AND name="web*"');
    });
  });

  it("follows next_page_token with the next-page button", async () => {
    const fetch = mockFetch((url) =>
      url.includes("page_token=")
        ? json(200, { droplets: [droplet({ id: "p2", name: "page-two" })], meta: { total: 21 } })
        : json(200, { droplets: [droplet()], next_page_token: "TOK2", meta: { total: 21 } }),
    );
    render(<DropletList refreshKey={0} onSelect={() => {}} />);
    await screen.findByText("web-1");
    fireEvent.click(screen.getByText("Next page"));
    expect(await screen.findByText("page-two")).toBeTruthy();
    expect(urlOf(fetch.mock.calls[fetch.mock.calls.length - 1]).searchParams.get("page_token")).toBe("TOK2");
    expect(screen.getByText("Page 2")).toBeTruthy();
  });

  it("polls every 3 s while a droplet is new", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      let calls = 0;
      const fetch = mockFetch(() => {
        calls += 1;
        return json(200, { droplets: [droplet({ status: calls < 2 ? "new" : "active" })], meta: { total: 1 } });
      });
      render(<DropletList refreshKey={0} onSelect={() => {}} />);
      await screen.findByText("new");
      await vi.advanceTimersByTimeAsync(3100);
      await screen.findByText("active");
      const settled = fetch.mock.calls.length;
      await vi.advanceTimersByTimeAsync(6500);
      expect(fetch.mock.calls.length).toBe(settled);
    } finally {
      vi.useRealTimers();
    }
  });

  it("shows the problem detail when the list fails", async () => {
    mockFetch(() => json(401, { title: "Unauthenticated", status: 401, detail: "missing bearer token", code: "UNAUTHENTICATED" }));
    render(<DropletList refreshKey={0} onSelect={() => {}} />);
    expect((await screen.findByRole("alert")).textContent).toContain("missing bearer token");
  });
});
