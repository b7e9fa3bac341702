// Tests for /providers: capacity bars; admins register (422 pointer under its field), edit with If-Match (only the changed
// fields), delete with If-Match (409 FAILED_PRECONDITION shown); non-admins see neither the forms nor the sidebar entry;
// the simulator writes nothing and says NO_CAPACITY plainly.
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { bodyOf, calls, mockApi } from "../test/api";
import { json } from "../test/http";
import { renderRoute } from "../test/render";

function provider(over: Record<string, unknown> = {}) {
  return {
    kind: "provider", id: "p-a", name: "alpha", regions: ["nyc1"], classes: ["standard"], capacity: 10, reserved: 3, available: 7,
    price_hourly_override: null, created_at: "2026-12-01T00:00:00Z", updated_at: "2026-12-01T00:00:00Z", version: 3, ...over,
  };
}

const ADMIN = { "GET /api/v1/rate_limit_policies": { rate_limit_policies: [] } };
const NOT_ADMIN = { "GET /api/v1/rate_limit_policies": () => json(403, { title: "Forbidden", status: 403, code: "PERMISSION_DENIED" }) };
const LIST = { "GET /api/v1/providers": { providers: [provider(), provider({ id: "p-b", name: "beta", capacity: 4, reserved: 4, available: 0, price_hourly_override: "0.010000" })] } };
const problem = (status: number, code: string, detail: string, errors?: unknown[]) => json(status, { type: "about:blank", title: code, status, code, detail, errors });

function ifMatchOf(init: RequestInit): string | undefined {
  return (init.headers as Record<string, string>)["If-Match"];
}

describe("ProvidersPage", () => {
  it("shows each provider's reserved and free capacity", async () => {
    mockApi({ ...ADMIN, ...LIST });
    renderRoute("/providers");
    const rows = await screen.findAllByTestId("provider-row");
    expect(within(rows[0]).getByTestId("capacity-bar").textContent).toBe("3 / 10 reserved · 7 free");
    expect(within(rows[1]).getByRole("meter").getAttribute("aria-valuenow")).toBe("4");
    expect(rows[1].textContent).toContain("$0.010000/h");
    expect(screen.getByTestId("nav-providers")).toBeTruthy();
  });

  it("registers a provider and shows a 422 pointer under its field", async () => {
    let refuse = true;
    const fetch = mockApi({
      ...ADMIN,
      ...LIST,
      "POST /api/v1/providers": () =>
        refuse ? problem(422, "INVALID_ARGUMENT", "invalid provider", [{ pointer: "#/capacity", code: "OUT_OF_RANGE", detail: "must be at least 1" }]) : json(201, provider({ id: "p-c", name: "gamma" })),
    });
    renderRoute("/providers");
    const form = await screen.findByTestId("provider-form");
    await within(form).findByRole("option", { name: /lon1/ });
    fireEvent.change(within(form).getByLabelText("Provider name"), { target: { value: "gamma" } });
    const regions = within(form).getByLabelText("Regions") as HTMLSelectElement;
    for (const o of regions.options) o.selected = o.value === "nyc1" || o.value === "fra1";
    fireEvent.change(regions);
    fireEvent.change(within(form).getByLabelText("Classes"), { target: { value: "standard, cpu" } });
    fireEvent.change(within(form).getByLabelText("Capacity (droplet slots)"), { target: { value: "0" } });
    fireEvent.click(within(form).getByTestId("provider-submit"));
    expect((await within(form).findByTestId("provider-capacity-error")).textContent).toBe("must be at least 1");
    const post = calls(fetch).find((c) => c.method === "POST")!;
    expect(bodyOf(post.init)).toEqual({ name: "gamma", regions: ["nyc1", "fra1"], classes: ["standard", "cpu"], capacity: 0 });
    refuse = false;
    fireEvent.change(within(form).getByLabelText("Capacity (droplet slots)"), { target: { value: "5" } });
    fireEvent.change(within(form).getByLabelText("Hourly price override"), { target: { value: "0.012000" } });
    fireEvent.click(within(form).getByTestId("provider-submit"));
    await waitFor(() => expect(calls(fetch).filter((c) => c.method === "POST")).toHaveLength(2));
    expect(bodyOf(calls(fetch).filter((c) => c.method === "POST")[1].init)).toMatchObject({ capacity: 5, price_hourly_override: "0.012000" });
  });

  it("edits with If-Match and a merge-patch of the changed fields; capacity below reserved shows the 409", async () => {
    const fetch = mockApi({ ...ADMIN, ...LIST, "PATCH /api/v1/providers/p-a": () => problem(409, "FAILED_PRECONDITION", "capacity 2 is below the 3 reserved slots") });
    renderRoute("/providers");
    fireEvent.click((await screen.findAllByTestId("provider-edit"))[0]);
    const form = screen.getByTestId("provider-edit-form");
    fireEvent.change(within(form).getByLabelText("Capacity (droplet slots)"), { target: { value: "2" } });
    fireEvent.click(within(form).getByTestId("provider-submit"));
    expect((await within(form).findByRole("alert")).textContent).toBe("capacity 2 is below the 3 reserved slots (FAILED_PRECONDITION)");
    const patch = calls(fetch).find((c) => c.method === "PATCH")!;
    expect(ifMatchOf(patch.init)).toBe('"3"');
    expect((patch.init.headers as Record<string, string>)["Content-Type"]).toBe("application/merge-patch+json");
    expect(bodyOf(patch.init)).toEqual({ capacity: 2 });
  });

  it("deletes with If-Match after a confirm and shows the 409 FAILED_PRECONDITION of a provider with reservations", async () => {
    const fetch = mockApi({ ...ADMIN, ...LIST, "DELETE /api/v1/providers/p-a": () => problem(409, "FAILED_PRECONDITION", "3 slots are reserved on alpha") });
    renderRoute("/providers");
    fireEvent.click(await screen.findByLabelText("Delete alpha"));
    fireEvent.click(await screen.findByRole("button", { name: "Delete provider" }));
    expect((await screen.findByText(/3 slots are reserved on alpha/)).textContent).toContain("FAILED_PRECONDITION");
    const del = calls(fetch).find((c) => c.method === "DELETE")!;
    expect(ifMatchOf(del.init)).toBe('"3"');
  });

  it("hides the forms, the row actions and the sidebar entry from non-admins", async () => {
    mockApi({ ...NOT_ADMIN, ...LIST });
    renderRoute("/providers");
    await screen.findAllByTestId("provider-row");
    await waitFor(() => expect(screen.queryByTestId("nav-providers")).toBeNull());
    expect(screen.queryByTestId("provider-form")).toBeNull();
    expect(screen.queryByTestId("provider-edit")).toBeNull();
    expect(screen.getByText(/is for admins/)).toBeTruthy();
    expect(screen.getByTestId("nav-billing")).toBeTruthy();
  });

  it("simulates a placement with one POST and nothing else written; NO_CAPACITY is said plainly", async () => {
    let full = false;
    const fetch = mockApi({
      ...ADMIN,
      ...LIST,
      "POST /api/v1/placements:simulate": () =>
        full ? problem(409, "NO_CAPACITY", "no provider in lon1 has a free slot") : json(200, { provider: "alpha", region: "nyc1", reasons: ["preferred provider beta is full", "alpha has the most free capacity (7)"] }),
    });
    renderRoute("/providers");
    const sim = await screen.findByTestId("placement-simulator");
    await within(sim).findAllByRole("option", { name: /beta/ });
    fireEvent.change(within(sim).getByLabelText("Simulated region"), { target: { value: "nyc1" } });
    fireEvent.change(within(sim).getByLabelText("Preferred provider"), { target: { value: "beta" } });
    fireEvent.click(within(sim).getByTestId("simulate-submit"));
    expect((await within(sim).findByTestId("simulate-provider")).textContent).toBe("alpha");
    expect(within(sim).getByText("preferred provider beta is full")).toBeTruthy();
    const writes = calls(fetch).filter((c) => c.method !== "GET");
    expect(writes.map((c) => c.url.pathname)).toEqual(["/api/v1/placements:simulate"]);
    expect(bodyOf(writes[0].init)).toEqual({ region: "nyc1", preferred_provider: "beta" });
    full = true;
    fireEvent.click(within(sim).getByTestId("simulate-submit"));
    expect((await within(sim).findByTestId("simulate-no-capacity")).textContent).toBe("No capacity: no provider in lon1 has a free slot");
    expect(within(sim).queryByRole("alert")).toBeNull();
  });

  it("says so when the server has no providers routes", async () => {
    mockApi({ ...ADMIN });
    renderRoute("/providers");
    expect(await screen.findByTestId("providers-unavailable")).toBeTruthy();
  });
});
