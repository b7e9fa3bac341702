// Tests for the data hook: an older answer never overwrites a newer one, resetOnChange drops the old data, errors are kept.
import { act, renderHook, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { useResource } from "./useResource";

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe("useResource", () => {
  it("ignores an answer that arrives after a newer request started", async () => {
    const slow = deferred<string>();
    const fast = deferred<string>();
    const { result, rerender } = renderHook(({ key }) => useResource(() => (key === "a" ? slow.promise : fast.promise), [key]), { initialProps: { key: "a" } });
    rerender({ key: "b" });
    await act(async () => fast.resolve("B"));
    await waitFor(() => expect(result.current.data).toBe("B"));
    await act(async () => slow.resolve("A"));
    expect(result.current.data).toBe("B");
    expect(result.current.loading).toBe(false);
  });

  it("drops the previous data on a deps change with resetOnChange", async () => {
    const second = deferred<string>();
    const { result, rerender } = renderHook(({ key }) => useResource(() => (key === "a" ? Promise.resolve("A") : second.promise), [key], { resetOnChange: true }), {
      initialProps: { key: "a" },
    });
    await waitFor(() => expect(result.current.data).toBe("A"));
    rerender({ key: "b" });
    expect(result.current.data).toBeUndefined();
    await act(async () => second.resolve("B"));
    expect(result.current.data).toBe("B");
  });

  it("reports errors and clears them on the next success", async () => {
    let fail = true;
    const { result } = renderHook(() => useResource(() => (fail ? Promise.reject(new Error("down")) : Promise.resolve(1)), []));
    await waitFor(() => expect((result.current.error as Error).message).toBe("down"));
    fail = false;
    await act(() => result.current.reload());
    expect(result.current.error).toBeNull();
    expect(result.current.data).toBe(1);
  });

  it("loads nothing while disabled", () => {
    let calls = 0;
    const { result } = renderHook(() => useResource(async () => ++calls, [], { enabled: false }));
    expect(calls).toBe(0);
    expect(result.current.loading).toBe(false);
  });
});
