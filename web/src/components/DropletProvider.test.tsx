// Tests for providers on droplets: the create form sends the chosen provider (none means automatic placement) and the
// detail's Migrate sends `{type: "migrate", provider}` with If-Match, never offering the provider the droplet is on.
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { bodyOf, calls, mockApi } from "../test/api";
import { droplet, json } from "../test/http";
import { renderWithProviders } from "../test/render";
import { CreateDropletForm } from "./CreateDropletForm";
import { DropletDetail } from "./DropletDetail";

const providers = {
  providers: ["alpha", "beta"].map((name, i) => ({ kind: "provider", id: `p-${name}`, name, regions: ["nyc1"], classes: [], capacity: 10, reserved: i, available: 10 - i, price_hourly_override: null, version: 1 })),
};

describe("droplets and providers", () => {
  it("creates a droplet on the chosen provider", async () => {
    const fetch = mockApi({ "GET /api/v1/providers": providers, "POST /api/v1/droplets": () => json(202, { droplet: droplet(), operation: {} }) });
    renderWithProviders(<CreateDropletForm onCreated={() => {}} />);
    await screen.findByRole("option", { name: "beta — 9 free" });
    fireEvent.change(screen.getByPlaceholderText("web-1"), { target: { value: "web-9" } });
    await waitFor(() => expect((screen.getByLabelText("Size", { selector: "select" }) as HTMLSelectElement).value).not.toBe(""));
    fireEvent.change(screen.getByLabelText("Provider"), { target: { value: "beta" } });
    fireEvent.click(screen.getByText("Create"));
    await waitFor(() => expect(calls(fetch).some((c) => c.method === "POST")).toBe(true));
    expect(bodyOf(calls(fetch).find((c) => c.method === "POST")!.init)).toMatchObject({ name: "web-9", provider: "beta" });
  });

  it("leaves the provider out for automatic placement", async () => {
    const fetch = mockApi({ "GET /api/v1/providers": providers, "POST /api/v1/droplets": () => json(202, { droplet: droplet(), operation: {} }) });
    renderWithProviders(<CreateDropletForm onCreated={() => {}} />);
    fireEvent.change(screen.getByPlaceholderText("web-1"), { target: { value: "web-9" } });
    await waitFor(() => expect((screen.getByLabelText("Size", { selector: "select" }) as HTMLSelectElement).value).not.toBe(""));
    fireEvent.click(screen.getByText("Create"));
    await waitFor(() => expect(calls(fetch).some((c) => c.method === "POST")).toBe(true));
    expect(bodyOf(calls(fetch).find((c) => c.method === "POST")!.init)).not.toHaveProperty("provider");
  });

  it("migrates a droplet to another provider with If-Match", async () => {
    const d = droplet({ provider: "alpha" });
    const fetch = mockApi({ "GET /api/v1/providers": providers, [`GET /api/v1/droplets/${d.id}`]: d, [`POST /api/v1/droplets/${d.id}/actions`]: () => json(202, { operation: {} }) });
    renderWithProviders(<DropletDetail id={d.id} onChanged={() => {}} />);
    expect((await screen.findByTestId("droplet-provider-name")).textContent).toBe("alpha");
    const select = screen.getByTestId("migrate-provider");
    await within(select).findByRole("option", { name: "beta — 9 free" });
    expect(within(select).queryByRole("option", { name: /alpha/ })).toBeNull();
    fireEvent.change(select, { target: { value: "beta" } });
    fireEvent.click(screen.getByRole("button", { name: "Migrate" }));
    await waitFor(() => expect(calls(fetch).some((c) => c.method === "POST")).toBe(true));
    const post = calls(fetch).find((c) => c.method === "POST")!;
    expect(bodyOf(post.init)).toEqual({ type: "migrate", provider: "beta" });
    expect((post.init.headers as Record<string, string>)["If-Match"]).toBe('"4"');
  });
});
