// Page tests for /droplets: ?selected= opens the detail panel, a click selects, a create selects the new droplet and toasts.
import { fireEvent, screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { mockApi } from "../test/api";
import { droplet, json } from "../test/http";
import { renderRoute } from "../test/render";

const D = droplet();

describe("DropletsPage", () => {
  it("opens the droplet from ?selected= and selects on click", async () => {
    mockApi({
      "GET /api/v1/droplets": { droplets: [D, droplet({ id: "b", name: "db-1" })], meta: { total: 2 } },
      [`GET /api/v1/droplets/${D.id}`]: D,
      "GET /api/v1/droplets/b": droplet({ id: "b", name: "db-1" }),
    });
    const { router } = renderRoute(`/droplets?selected=${D.id}`);
    expect(await screen.findByTestId("droplet-detail")).toBeTruthy();
    expect(screen.getByRole("heading", { name: "web-1" })).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "db-1" }));
    await waitFor(() => expect(router.state.location.search).toBe("?selected=b"));
    expect(await screen.findByRole("heading", { name: "db-1" })).toBeTruthy();
  });

  it("selects a newly created droplet and toasts", async () => {
    const created = droplet({ id: "new-1", name: "web-9", status: "new" });
    mockApi({
      "GET /api/v1/droplets": { droplets: [], meta: { total: 0 } },
      "POST /api/v1/droplets": () => json(202, { droplet: created, operation: {} }, { "Consistency-Token": "1:1" }),
      "GET /api/v1/droplets/new-1": created,
    });
    const { router } = renderRoute("/droplets");
    await screen.findAllByRole("option", { name: "lon1" });
    await waitFor(() => expect((screen.getByLabelText("Size", { selector: "select" }) as HTMLSelectElement).value).toBe("s-1vcpu-1gb"));
    fireEvent.change(screen.getByPlaceholderText("web-1"), { target: { value: "web-9" } });
    fireEvent.click(screen.getByText("Create"));
    await waitFor(() => expect(router.state.location.search).toBe("?selected=new-1"));
    expect((await screen.findByTestId("toast-success")).textContent).toContain("web-9");
    expect(await screen.findByRole("heading", { name: "web-9" })).toBeTruthy();
  });
});
