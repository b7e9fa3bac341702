// Unit tests for the deployment helpers: the buttons each status of api.md §12.4 allows, and strategy one-liners.
import { describe, expect, it } from "vitest";
import { allowedVerbs, describeStrategy, isActive, type DeploymentStatus } from "./deployments";

describe("allowedVerbs", () => {
  it("follows the §12.4 transitions a user may ask for", () => {
    const table: Record<DeploymentStatus, string[]> = {
      pending: ["cancel"],
      progressing: ["pause", "promote", "abort", "cancel"],
      paused: ["resume", "promote", "abort", "cancel"],
      promoting: ["abort"],
      succeeded: [],
      rolling_back: [],
      rolled_back: [],
      failed: [],
      cancelled: [],
      superseded: [],
    };
    for (const [status, verbs] of Object.entries(table)) expect(allowedVerbs(status as DeploymentStatus), status).toEqual(verbs);
  });

  it("counts only unfinished deployments as active", () => {
    expect(isActive({ status: "rolling_back" })).toBe(true);
    expect(isActive({ status: "rolled_back" })).toBe(false);
  });
});

describe("describeStrategy", () => {
  it("names each strategy in one line", () => {
    expect(describeStrategy({ type: "rolling", max_surge: "25%", max_unavailable: "0" })).toBe("rolling (surge 25%, unavailable 0)");
    expect(describeStrategy({ type: "blue_green", scale_down_delay_seconds: 600 })).toBe("blue-green");
    expect(describeStrategy({ type: "canary", steps: [{ set_weight: 20 }, { pause: {} }] })).toBe("canary (2 steps)");
    expect(describeStrategy({ type: "canary", step_weight: 10, max_weight: 50 })).toBe("canary (+10 % to 50 %)");
  });
});
