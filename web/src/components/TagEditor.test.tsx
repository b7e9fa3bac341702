// Component tests for the tag editor: chips, edit/save with parsed tags, cancel, and a field error from the PATCH.
import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { ApiError } from "../api/client";
import { TagEditor } from "./TagEditor";

describe("TagEditor", () => {
  it("saves the parsed, de-duplicated tags", async () => {
    const onSave = vi.fn(async () => {});
    render(<TagEditor tags={["a"]} onSave={onSave} />);
    expect(screen.getByText("a").className).toBe("chip");
    fireEvent.click(screen.getByText("Edit tags"));
    expect((screen.getByLabelText("Tags") as HTMLInputElement).value).toBe("a");
    fireEvent.change(screen.getByLabelText("Tags"), { target: { value: " a, b ,, b " } });
    fireEvent.click(screen.getByText("Save tags"));
    await waitFor(() => expect(onSave).toHaveBeenCalledWith(["a", "b"]));
    await waitFor(() => expect(screen.queryByLabelText("Tags")).toBeNull());
  });

  it("shows the #/tags field error and stays open; Cancel closes", async () => {
    const err = new ApiError({ type: "t", title: "bad", status: 422, detail: "1 field is invalid.", errors: [{ pointer: "#/tags/0", code: "INVALID_TAG", detail: "tags may not contain spaces" }] });
    render(<TagEditor tags={[]} onSave={() => Promise.reject(err)} />);
    expect(screen.getByText("no tags")).toBeTruthy();
    fireEvent.click(screen.getByText("Edit tags"));
    fireEvent.change(screen.getByLabelText("Tags"), { target: { value: "a b" } });
    fireEvent.click(screen.getByText("Save tags"));
    expect(await screen.findByText("tags may not contain spaces")).toBeTruthy();
    fireEvent.click(screen.getByText("Cancel"));
    expect(screen.queryByLabelText("Tags")).toBeNull();
  });
});
