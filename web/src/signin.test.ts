// Unit tests for the `#token=` sign-in link: the token is stored and the fragment stripped with replaceState.
import { describe, expect, it, vi } from "vitest";
import { getToken } from "./api/client";
import { consumeSignInFragment } from "./signin";

function fakeLocation(href: string): Location {
  return new URL(href) as unknown as Location;
}

describe("consumeSignInFragment", () => {
  it("stores the token and strips the fragment", () => {
    const hist = { state: null, replaceState: vi.fn() } as unknown as History;
    expect(consumeSignInFragment(fakeLocation("http://127.0.0.1:8081/clusters?x=1#token=tok-abc"), hist)).toBe(true);
    expect(getToken()).toBe("tok-abc");
    expect(hist.replaceState).toHaveBeenCalledWith(null, "", "/clusters?x=1");
  });

  it("keeps other fragment parameters", () => {
    const hist = { state: null, replaceState: vi.fn() } as unknown as History;
    consumeSignInFragment(fakeLocation("http://h/#token=t1&tab=x"), hist);
    expect(getToken()).toBe("t1");
    expect(hist.replaceState).toHaveBeenCalledWith(null, "", "/#tab=x");
  });

  it("ignores URLs without a token", () => {
    const hist = { state: null, replaceState: vi.fn() } as unknown as History;
    expect(consumeSignInFragment(fakeLocation("http://h/droplets#section"), hist)).toBe(false);
    expect(consumeSignInFragment(fakeLocation("http://h/droplets"), hist)).toBe(false);
    expect(hist.replaceState).not.toHaveBeenCalled();
    expect(getToken()).toBe("");
  });

  it("works on the real window.location", () => {
    window.history.replaceState(null, "", "/operations#token=live-1");
    expect(consumeSignInFragment()).toBe(true);
    expect(getToken()).toBe("live-1");
    expect(window.location.hash).toBe("");
    expect(window.location.pathname).toBe("/operations");
  });
});
