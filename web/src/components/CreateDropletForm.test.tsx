// Component tests for the create form: request body, size catalog per region, field errors.
import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { CreateDropletForm } from "./CreateDropletForm";
import { droplet, headersOf, json, mockFetch } from "../test/http";

describe("CreateDropletForm", () => {
  it("posts the droplet and reports the consistency token", async () => {
    const fetch = mockFetch(() =>
      json(202, { droplet: droplet({ name: "web-9", status: "new" }), operation: {} }, { "Consistency-Token": "5:42" }),
    );
    const onCreated = vi.fn();
    render(<CreateDropletForm onCreated={onCreated} />);
    fireEvent.change(screen.getByPlaceholderText("web-1"), { target: { value: "web-9" } });
    fireEvent.change(screen.getByDisplayValue("nyc1"), { target: { value: "ams3" } });
    fireEvent.change(screen.getByPlaceholderText("env:prod, team:web"), { target: { value: "a, b" } });
    fireEvent.click(screen.getByText("Create"));
    await waitFor(() => expect(onCreated).toHaveBeenCalled());
    expect(onCreated.mock.calls[0][0].name).toBe("web-9");
    expect(onCreated.mock.calls[0][1]).toBe("5:42");
    const init = fetch.mock.calls[0][1] as RequestInit;
    expect(fetch.mock.calls[0][0]).toBe("/api/v1/droplets");
    expect(JSON.parse(init.body as string)).toEqual({
      name: "web-9",
      region: "ams3",
      size: "s-1vcpu-1gb",
      image: "ubuntu-24-04-x64",
      tags: ["a", "b"],
    });
    expect(headersOf(fetch)["Idempotency-Key"]).toBeTruthy();
  });

  it("offers c-8vcpu-16gb only where it exists", () => {
    render(<CreateDropletForm onCreated={() => {}} />);
    const size = screen.getByDisplayValue("s-1vcpu-1gb") as HTMLSelectElement;
    const options = () => Array.from(size.options).map((o) => o.value);
    expect(options()).toContain("c-8vcpu-16gb");
    fireEvent.change(screen.getByDisplayValue("nyc1"), { target: { value: "lon1" } });
    expect(options()).not.toContain("c-8vcpu-16gb");
  });

  it("shows field errors and the detail from a 422 problem", async () => {
    mockFetch(() =>
      json(422, {
        type: "about:blank",
        title: "The request is not valid",
        status: 422,
        detail: "1 field is invalid.",
        code: "VALIDATION_FAILED",
        errors: [{ pointer: "#/name", code: "INVALID_NAME", detail: "names may contain letters, digits, '.' and '-'" }],
      }),
    );
    const onCreated = vi.fn();
    render(<CreateDropletForm onCreated={onCreated} />);
    fireEvent.change(screen.getByPlaceholderText("web-1"), { target: { value: "bad name!" } });
    fireEvent.click(screen.getByText("Create"));
    expect(await screen.findByText("names may contain letters, digits, '.' and '-'")).toBeTruthy();
    expect(screen.getByRole("alert").textContent).toContain("1 field is invalid.");
    expect(onCreated).not.toHaveBeenCalled();
  });
});
