// Tests for toasts: success/error/info render top right, errors show the problem detail, each goes away after 4 s.
import { act, fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { ApiError } from "../api/client";
import { useToast } from "../context/toast";
import { ToastProvider } from "./ToastProvider";

function Buttons() {
  const toast = useToast();
  return (
    <>
      <button type="button" onClick={() => toast.success("saved")}>ok</button>
      <button type="button" onClick={() => toast.error(new ApiError({ type: "t", title: "Conflict", status: 409, detail: "operation is not in progress" }))}>bad</button>
      <button type="button" onClick={() => toast.info("fyi")}>info</button>
    </>
  );
}

describe("ToastProvider", () => {
  it("shows toasts and removes them after 4 s or on dismiss", () => {
    vi.useFakeTimers();
    try {
      render(
        <ToastProvider>
          <Buttons />
        </ToastProvider>,
      );
      fireEvent.click(screen.getByText("ok"));
      fireEvent.click(screen.getByText("bad"));
      fireEvent.click(screen.getByText("info"));
      expect(screen.getByTestId("toast-success").textContent).toContain("saved");
      expect(screen.getByTestId("toast-error").textContent).toContain("operation is not in progress");
      fireEvent.click(screen.getByTestId("toast-info").querySelector("button")!);
      expect(screen.queryByTestId("toast-info")).toBeNull();
      act(() => vi.advanceTimersByTime(3900));
      expect(screen.getByTestId("toast-success")).toBeTruthy();
      act(() => vi.advanceTimersByTime(200));
      expect(screen.queryByTestId("toast-success")).toBeNull();
      expect(screen.queryByTestId("toast-error")).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });
});
