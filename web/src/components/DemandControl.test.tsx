// Tests for the demand control: PUT {level, profile} with If-Match of the cluster's version and an Idempotency-Key;
// a 422 shows at its field; a 412 offers a reload.
import { fireEvent, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { bodyOf, calls, CLUSTER_ID, mockApi } from "../test/api";
import { json } from "../test/http";
import { renderWithProviders } from "../test/render";
import { DemandControl } from "./DemandControl";

const PATH = `PUT /api/v1/clusters/${CLUSTER_ID}/demand`;

describe("DemandControl", () => {
  it("sends the level and profile with If-Match", async () => {
    const fetch = mockApi({ [PATH]: () => json(200, { level: 85, profile: "spike" }) });
    const onChanged = vi.fn();
    renderWithProviders(<DemandControl clusterId={CLUSTER_ID} version={7} current={{ level: 20, profile: "calm" }} onChanged={onChanged} />);
    expect(screen.getByTestId("demand-level-value").textContent).toBe("20");
    fireEvent.change(screen.getByLabelText("Demand level"), { target: { value: "85" } });
    fireEvent.change(screen.getByLabelText("Demand profile"), { target: { value: "spike" } });
    fireEvent.click(screen.getByTestId("demand-submit"));
    await waitFor(() => expect(onChanged).toHaveBeenCalled());
    const put = calls(fetch).find((c) => c.method === "PUT")!;
    expect(bodyOf(put.init)).toEqual({ level: 85, profile: "spike" });
    const headers = put.init.headers as Record<string, string>;
    expect(headers["If-Match"]).toBe('"7"');
    expect(headers["Idempotency-Key"]).toBeTruthy();
  });

  it("shows a 422 at its field and a 412 as stale", async () => {
    let status = 422;
    mockApi({
      [PATH]: () =>
        status === 422
          ? json(422, { title: "invalid", status: 422, code: "VALIDATION_FAILED", detail: "1 field is invalid.", errors: [{ pointer: "#/level", code: "OUT_OF_RANGE", detail: "level must be between 0 and 100" }] })
          : json(412, { title: "Precondition failed", status: 412, code: "PRECONDITION_FAILED" }),
    });
    const onChanged = vi.fn();
    renderWithProviders(<DemandControl clusterId={CLUSTER_ID} version={7} onChanged={onChanged} />);
    fireEvent.click(screen.getByTestId("demand-submit"));
    expect((await screen.findByTestId("demand-level-error")).textContent).toBe("level must be between 0 and 100");
    status = 412;
    fireEvent.click(screen.getByTestId("demand-submit"));
    expect((await screen.findByRole("alert")).textContent).toContain("Changed by someone else");
    expect(onChanged).not.toHaveBeenCalled();
    fireEvent.click(screen.getByText("Reload"));
    expect(onChanged).toHaveBeenCalledTimes(1);
  });
});
