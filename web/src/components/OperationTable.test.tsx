// Component tests for the operation table: Cancel only while in progress, error detail for failures, optional target column.
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { Operation } from "../api/operations";
import { mockApi, operation } from "../test/api";
import { json } from "../test/http";
import { renderWithProviders } from "../test/render";
import { OperationTable } from "./OperationTable";

const ops = [
  operation({ id: "a" }),
  operation({ id: "b", status: "pending", progress: { percent: 0 } }),
  operation({ id: "c", cancel_requested: true }),
  operation({ id: "d", status: "failed", done: true, error: { type: "t", title: "The operation failed", status: 500, code: "INTERNAL", detail: "" } }),
] as Operation[];

describe("OperationTable", () => {
  it("offers Cancel for pending and running operations that were not asked to cancel yet", () => {
    renderWithProviders(<OperationTable operations={ops} />);
    const rows = screen.getAllByTestId("operation-row");
    expect(rows.map((r) => !!within(r).queryByTestId("cancel-operation"))).toEqual([true, true, false, false]);
    expect(within(rows[2]).getByText("cancelling…")).toBeTruthy();
    expect(within(rows[3]).getByText("The operation failed")).toBeTruthy();
  });

  it("calls onChanged after a cancel and hides the target column on request", async () => {
    mockApi({ "POST /api/v1/operations/a:cancel": () => json(200, {}) });
    const onChanged = vi.fn();
    renderWithProviders(<OperationTable operations={ops.slice(0, 1)} hideTarget onChanged={onChanged} />);
    expect(screen.queryByText("Target")).toBeNull();
    fireEvent.click(screen.getByTestId("cancel-operation"));
    await waitFor(() => expect(onChanged).toHaveBeenCalled());
  });

  it("says so when there is nothing", () => {
    renderWithProviders(<OperationTable operations={[]} empty="Nothing here." />);
    expect(screen.getByText("Nothing here.")).toBeTruthy();
  });
});
