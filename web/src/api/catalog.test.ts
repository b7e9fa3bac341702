// Unit tests for the catalog helpers: the routes they read, per-session caching, retry after a failure, price text.
import { describe, expect, it } from "vitest";
import { describeSize, formatPrice, listImages, listRegions, listSizes } from "./catalog";
import { calls, mockApi, SIZES } from "../test/api";
import { json } from "../test/http";

describe("catalog", () => {
  it("reads regions, images and per-region sizes once each", async () => {
    const fetch = mockApi({});
    expect((await listRegions()).map((r) => r.slug)).toEqual(["nyc1", "lon1", "fra1"]);
    await listRegions();
    expect((await listImages()).map((i) => i.slug)).toEqual(["ubuntu-24-04-x64", "debian-12-x64"]);
    expect((await listSizes("lon1")).map((s) => s.slug)).toEqual(["s-1vcpu-1gb", "s-2vcpu-4gb"]);
    await listSizes("lon1");
    expect((await listSizes("nyc1")).length).toBe(3);
    expect(calls(fetch).map((c) => `${c.url.pathname}${c.url.search}`)).toEqual([
      "/api/v1/regions",
      "/api/v1/images",
      "/api/v1/sizes?region=lon1",
      "/api/v1/sizes?region=nyc1",
    ]);
  });

  it("forgets a failed read so the next call retries", async () => {
    let fail = true;
    mockApi({ "GET /api/v1/regions": () => (fail ? json(503, { title: "Unavailable", status: 503 }) : json(200, { regions: [] })) });
    await expect(listRegions()).rejects.toThrow("Unavailable");
    fail = false;
    await expect(listRegions()).resolves.toEqual([]);
  });

  it("describes sizes with the catalog's decimal prices", () => {
    expect(describeSize(SIZES[0])).toBe("$6.00/mo · 1 vCPU · 1 GB · 25 GB");
    expect(formatPrice("0.008929")).toBe("$0.008929");
    expect(formatPrice("5.00", "EUR")).toBe("5.00 EUR");
  });
});
