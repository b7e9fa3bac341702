// Tests for the in-app confirm dialog and useConfirm(): resolves true on confirm, false on Cancel, Escape or the backdrop.
import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { useConfirm } from "../context/confirm";
import { ConfirmDialog } from "./ConfirmDialog";
import { ConfirmProvider } from "./ConfirmProvider";

function Asker({ onAnswer }: { onAnswer: (ok: boolean) => void }) {
  const confirm = useConfirm();
  return (
    <button type="button" onClick={async () => onAnswer(await confirm({ title: "Delete it?", message: "Really?", confirmLabel: "Delete", danger: true }))}>
      ask
    </button>
  );
}

describe("ConfirmDialog", () => {
  it("renders title, message and focuses Cancel", () => {
    render(<ConfirmDialog title="Sure?" message="Gone for good" confirmLabel="Yes" onConfirm={() => {}} onCancel={() => {}} />);
    expect(screen.getByRole("alertdialog").textContent).toContain("Gone for good");
    expect(document.activeElement).toBe(screen.getByTestId("confirm-cancel"));
    expect(screen.getByTestId("confirm-ok").textContent).toBe("Yes");
  });

  it("cancels on Escape and on the backdrop, not on a click inside", () => {
    const onCancel = vi.fn();
    const { container } = render(<ConfirmDialog title="Sure?" onConfirm={() => {}} onCancel={onCancel} />);
    fireEvent.click(screen.getByRole("alertdialog"));
    expect(onCancel).not.toHaveBeenCalled();
    fireEvent.keyDown(document, { key: "Escape" });
    fireEvent.click(container.querySelector(".modal-backdrop")!);
    expect(onCancel).toHaveBeenCalledTimes(2);
  });

  it("resolves useConfirm() with the user's answer", async () => {
    const onAnswer = vi.fn();
    render(
      <ConfirmProvider>
        <Asker onAnswer={onAnswer} />
      </ConfirmProvider>,
    );
    fireEvent.click(screen.getByText("ask"));
    fireEvent.click(await screen.findByTestId("confirm-ok"));
    await waitFor(() => expect(onAnswer).toHaveBeenCalledWith(true));
    expect(screen.queryByTestId("confirm-dialog")).toBeNull();
    fireEvent.click(screen.getByText("ask"));
    fireEvent.click(await screen.findByTestId("confirm-cancel"));
    await waitFor(() => expect(onAnswer).toHaveBeenLastCalledWith(false));
  });
});
