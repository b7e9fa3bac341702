// Component tests for the detail panel: actions send If-Match, re-read with the Consistency-Token, 412 says reload.
import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { DropletDetail } from "./DropletDetail";
import { droplet, headersOf, json, mockFetch } from "../test/http";

describe("DropletDetail", () => {
  it("powers off with If-Match and re-reads with the consistency token", async () => {
    let state = droplet();
    const fetch = mockFetch((_url, init) => {
      if (init.method === "POST") {
        state = droplet({ status: "off", version: 5 });
        return json(202, { operation: {} }, { "Consistency-Token": "7:100", ETag: '"5"' });
      }
      return json(200, state, { ETag: `"${state.version}"` });
    });
    const onChanged = vi.fn();
    render(<DropletDetail id={state.id} onChanged={onChanged} />);
    fireEvent.click(await screen.findByText("Power off"));
    await waitFor(() => expect(onChanged).toHaveBeenCalledWith("7:100"));
    expect(headersOf(fetch, 1)["If-Match"]).toBe('"4"');
    expect(headersOf(fetch, 2)["X-Min-Consistency-Token"]).toBe("7:100");
    expect(await screen.findByText("off")).toBeTruthy();
  });

  it("shows 'changed by someone else — reload' on 412", async () => {
    mockFetch((_url, init) =>
      init.method === "POST"
        ? json(412, { title: "Precondition failed", status: 412, code: "PRECONDITION_FAILED", detail: "version is 6" })
        : json(200, droplet()),
    );
    render(<DropletDetail id="x" onChanged={() => {}} />);
    fireEvent.click(await screen.findByText("Reboot"));
    expect((await screen.findByRole("alert")).textContent).toContain("Changed by someone else — reload");
  });
});
