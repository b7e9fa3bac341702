// Component tests for the create form: catalog-driven selects and prices, request body, field errors.
import { fireEvent, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { CreateDropletForm } from "./CreateDropletForm";
import { bodyOf, calls, mockApi } from "../test/api";
import { droplet, headersOf, json } from "../test/http";
import { renderWithProviders } from "../test/render";

function sizeSelect(): HTMLSelectElement {
  return screen.getByLabelText("Size", { selector: "select" }) as HTMLSelectElement;
}

describe("CreateDropletForm", () => {
  it("posts the droplet with catalog values and reports the consistency token", async () => {
    const fetch = mockApi({
      "POST /api/v1/droplets": () => json(202, { droplet: droplet({ name: "web-9", status: "new" }), operation: {} }, { "Consistency-Token": "5:42" }),
    });
    const onCreated = vi.fn();
    renderWithProviders(<CreateDropletForm onCreated={onCreated} />);
    await screen.findByRole("option", { name: "lon1" });
    fireEvent.change(screen.getByPlaceholderText("web-1"), { target: { value: "web-9" } });
    fireEvent.change(screen.getByDisplayValue("nyc1"), { target: { value: "lon1" } });
    await waitFor(() => expect(sizeSelect().options.length).toBe(2));
    fireEvent.change(sizeSelect(), { target: { value: "s-2vcpu-4gb" } });
    expect((await screen.findByTestId("droplet-price")).textContent).toBe("$24.00/mo · $0.035714/h");
    fireEvent.change(screen.getByPlaceholderText("env:prod, team:web"), { target: { value: "a, b" } });
    fireEvent.click(screen.getByText("Create"));
    await waitFor(() => expect(onCreated).toHaveBeenCalled());
    expect(onCreated.mock.calls[0][0].name).toBe("web-9");
    expect(onCreated.mock.calls[0][1]).toBe("5:42");
    const post = calls(fetch).find((c) => c.method === "POST")!;
    expect(post.url.pathname).toBe("/api/v1/droplets");
    expect(bodyOf(post.init)).toEqual({ name: "web-9", region: "lon1", size: "s-2vcpu-4gb", image: "ubuntu-24-04-x64", tags: ["a", "b"] });
    expect(headersOf(fetch, fetch.mock.calls.findIndex(([, i]) => (i as RequestInit)?.method === "POST"))["Idempotency-Key"]).toBeTruthy();
  });

  it("offers the sizes GET /sizes?region= returns, with their prices", async () => {
    const fetch = mockApi({});
    renderWithProviders(<CreateDropletForm onCreated={() => {}} />);
    await waitFor(() => expect(sizeSelect().options.length).toBe(3));
    expect(sizeSelect().options[0].textContent).toContain("$6.00/mo");
    expect(Array.from(sizeSelect().options).map((o) => o.value)).toContain("c-8vcpu-16gb");
    fireEvent.change(screen.getByDisplayValue("nyc1"), { target: { value: "lon1" } });
    await waitFor(() => expect(Array.from(sizeSelect().options).map((o) => o.value)).not.toContain("c-8vcpu-16gb"));
    const sizeReads = calls(fetch).filter((c) => c.url.pathname === "/api/v1/sizes").map((c) => c.url.searchParams.get("region"));
    expect(sizeReads).toEqual(["nyc1", "lon1"]);
  });

  it("shows field errors and the detail from a 422 problem", async () => {
    mockApi({
      "POST /api/v1/droplets": () =>
        json(422, {
          type: "about:blank",
          title: "The request is not valid",
          status: 422,
          detail: "1 field is invalid.",
          code: "VALIDATION_FAILED",
          errors: [{ pointer: "#/name", code: "INVALID_NAME", detail: "names may contain letters, digits, '.' and '-'" }],
        }),
    });
    const onCreated = vi.fn();
    renderWithProviders(<CreateDropletForm onCreated={onCreated} />);
    await waitFor(() => expect(sizeSelect().value).toBe("s-1vcpu-1gb"));
    fireEvent.change(screen.getByPlaceholderText("web-1"), { target: { value: "bad name!" } });
    fireEvent.click(screen.getByText("Create"));
    expect(await screen.findByText("names may contain letters, digits, '.' and '-'")).toBeTruthy();
    expect(screen.getByRole("alert").textContent).toContain("1 field is invalid.");
    expect(onCreated).not.toHaveBeenCalled();
  });
});
