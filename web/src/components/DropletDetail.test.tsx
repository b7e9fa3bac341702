// Component tests for the detail panel: actions with If-Match, consistency token on the re-read, 412, tags PATCH,
// resize only when off, delete through the confirm dialog, nodes without delete, and the Operations tab.
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { DropletDetail } from "./DropletDetail";
import { bodyOf, calls, CLUSTER_ID, mockApi, operation } from "../test/api";
import { droplet, json } from "../test/http";
import { renderWithProviders } from "../test/render";

const ID = droplet().id;
const PATH = `/api/v1/droplets/${ID}`;

describe("DropletDetail", () => {
  it("powers off with If-Match and re-reads with the consistency token", async () => {
    let state = droplet();
    const fetch = mockApi({
      [`POST ${PATH}/actions`]: () => {
        state = droplet({ status: "off", version: 5 });
        return json(202, { operation: {} }, { "Consistency-Token": "7:100", ETag: '"5"' });
      },
      [`GET ${PATH}`]: () => json(200, state, { ETag: `"${state.version}"` }),
    });
    const onChanged = vi.fn();
    renderWithProviders(<DropletDetail id={ID} onChanged={onChanged} />);
    fireEvent.click(await screen.findByText("Power off"));
    await waitFor(() => expect(onChanged).toHaveBeenCalledWith("7:100"));
    const all = calls(fetch);
    const post = all.findIndex((c) => c.method === "POST");
    expect((all[post].init.headers as Record<string, string>)["If-Match"]).toBe('"4"');
    expect(bodyOf(all[post].init)).toEqual({ type: "power_off" });
    const reread = all.slice(post + 1).find((c) => c.url.pathname === PATH)!;
    expect((reread.init.headers as Record<string, string>)["X-Min-Consistency-Token"]).toBe("7:100");
    expect(await screen.findByText("off")).toBeTruthy();
  });

  it("shows 'changed by someone else — reload' on 412", async () => {
    mockApi({
      [`POST ${PATH}/actions`]: () => json(412, { title: "Precondition failed", status: 412, code: "PRECONDITION_FAILED", detail: "version is 6" }),
      [`GET ${PATH}`]: droplet(),
    });
    renderWithProviders(<DropletDetail id={ID} onChanged={() => {}} />);
    fireEvent.click(await screen.findByText("Reboot"));
    expect((await screen.findByRole("alert")).textContent).toContain("Changed by someone else — reload");
  });

  it("edits tags with a merge-patch PATCH and If-Match", async () => {
    let state = droplet({ tags: ["a"] });
    const fetch = mockApi({
      [`PATCH ${PATH}`]: (_u: URL, init: RequestInit) => {
        state = droplet({ version: 5, tags: (bodyOf(init) as { tags: string[] }).tags });
        return json(200, state, { "Consistency-Token": "1:9" });
      },
      [`GET ${PATH}`]: () => json(200, state),
    });
    renderWithProviders(<DropletDetail id={ID} onChanged={() => {}} />);
    fireEvent.click(await screen.findByText("Edit tags"));
    fireEvent.change(screen.getByLabelText("Tags"), { target: { value: "a, env:prod" } });
    fireEvent.click(screen.getByText("Save tags"));
    expect(await screen.findByText("env:prod")).toBeTruthy();
    const patch = calls(fetch).find((c) => c.method === "PATCH")!;
    const h = patch.init.headers as Record<string, string>;
    expect(h["Content-Type"]).toBe("application/merge-patch+json");
    expect(h["If-Match"]).toBe('"4"');
    expect(h["Idempotency-Key"]).toBeTruthy();
    expect(bodyOf(patch.init)).toEqual({ tags: ["a", "env:prod"] });
  });

  it("offers resize only while the droplet is off", async () => {
    let state = droplet();
    const fetch = mockApi({ [`GET ${PATH}`]: () => json(200, state), [`POST ${PATH}/actions`]: () => json(202, {}) });
    const { unmount } = renderWithProviders(<DropletDetail id={ID} onChanged={() => {}} />);
    expect(((await screen.findByText("Resize")) as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByText("Resize needs the droplet powered off.")).toBeTruthy();
    unmount();
    state = droplet({ status: "off" });
    renderWithProviders(<DropletDetail id={ID} onChanged={() => {}} />);
    const select = (await screen.findByLabelText("New size")) as HTMLSelectElement;
    await waitFor(() => expect(select.value).toBe("s-2vcpu-4gb"));
    expect(Array.from(select.options).map((o) => o.value)).not.toContain("s-1vcpu-1gb");
    await waitFor(() => expect((screen.getByText("Resize") as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(screen.getByText("Resize"));
    await waitFor(() => expect(calls(fetch).some((c) => c.method === "POST")).toBe(true));
    expect(bodyOf(calls(fetch).find((c) => c.method === "POST")!.init)).toEqual({ type: "resize", size: "s-2vcpu-4gb" });
  });

  it("deletes only after the in-app confirm dialog, with If-Match", async () => {
    const native = vi.spyOn(window, "confirm");
    const fetch = mockApi({ [`GET ${PATH}`]: droplet(), [`DELETE ${PATH}`]: () => json(202, { operation: {} }) });
    renderWithProviders(<DropletDetail id={ID} onChanged={() => {}} />);
    fireEvent.click(await screen.findByText("Delete"));
    const dialog = await screen.findByTestId("confirm-dialog");
    expect(dialog.textContent).toContain("Delete droplet web-1?");
    fireEvent.click(within(dialog).getByText("Cancel"));
    await waitFor(() => expect(screen.queryByTestId("confirm-dialog")).toBeNull());
    expect(calls(fetch).some((c) => c.method === "DELETE")).toBe(false);

    fireEvent.click(screen.getByText("Delete"));
    fireEvent.click(await screen.findByTestId("confirm-ok"));
    await waitFor(() => expect(calls(fetch).some((c) => c.method === "DELETE")).toBe(true));
    const del = calls(fetch).find((c) => c.method === "DELETE")!;
    expect((del.init.headers as Record<string, string>)["If-Match"]).toBe('"4"');
    expect(await screen.findByTestId("toast-success")).toBeTruthy();
    expect(native).not.toHaveBeenCalled();
  });

  it("shows a node's cluster and offers no delete", async () => {
    mockApi({ [`GET ${PATH}`]: droplet({ cluster_id: CLUSTER_ID, node_pool_id: "pool-1" }) });
    renderWithProviders(<DropletDetail id={ID} onChanged={() => {}} />);
    const cell = await screen.findByTestId("droplet-cluster");
    expect(cell.querySelector("a")!.getAttribute("href")).toBe(`/clusters/${CLUSTER_ID}`);
    expect(screen.queryByText("Delete")).toBeNull();
  });

  it("lists the droplet's operations in the Operations tab", async () => {
    const fetch = mockApi({
      [`GET ${PATH}`]: droplet(),
      [`GET ${PATH}/operations`]: { operations: [operation({ type: "droplet.reboot", target: { kind: "droplet", id: ID }, status: "succeeded", done: true })] },
    });
    renderWithProviders(<DropletDetail id={ID} onChanged={() => {}} />);
    fireEvent.click(await screen.findByTestId("tab-operations"));
    expect(await screen.findByText("droplet.reboot")).toBeTruthy();
    expect(screen.getByText("succeeded")).toBeTruthy();
    expect(calls(fetch).some((c) => c.url.pathname === `${PATH}/operations`)).toBe(true);
  });
});
