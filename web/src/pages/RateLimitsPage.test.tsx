// Page tests for /rate-limits: my limits with bars; admins edit the default policy (PUT with If-Match from the ETag, 412 →
// reload prompt, 422 at the rule's field) and per-user overrides (new with If-Match *, delete); non-admins see a hint.
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { bodyOf, calls, mockApi } from "../test/api";
import { json } from "../test/http";
import { renderRoute } from "../test/render";

const STATUS = {
  kind: "rate_limit",
  user_id: "dev",
  source: "redis",
  policy_version: 3,
  policies: [
    { name: "minute", quota: 250, window_seconds: 60, burst: 50, key: "user", remaining: 40, reset_seconds: 3 },
    { name: "jobs_create", quota: 6, window_seconds: 60, burst: 2, key: "user", remaining: 0, reset_seconds: 30 },
  ],
};

const RULES = [
  { name: "minute", quota: 250, window_seconds: 60, burst: 50, applies_to: "all", cost_per_request: 1, key: "user", routes: [] },
  { name: "jobs_create", quota: 6, window_seconds: 60, burst: 2, applies_to: "mutations", cost_per_request: 1, key: "user", routes: ["POST /api/v1/jobs"] },
];

const DEFAULT = { kind: "rate_limit_policy", id: "default", version: 3, policies: RULES };
const OVERRIDE = { kind: "rate_limit_policy", id: "alice", version: 2, user_id: "alice", policies: [RULES[0]] };

function limitsApi(extra: Record<string, unknown> = {}) {
  return mockApi({
    "GET /api/v1/rate_limit": STATUS,
    "GET /api/v1/rate_limit_policies/default": () => json(200, DEFAULT, { ETag: '"3"' }),
    "GET /api/v1/rate_limit_policies": { rate_limit_policies: [DEFAULT, OVERRIDE], meta: { total: 2 } },
    "GET /api/v1/users/alice/rate_limit_policy": () => json(200, OVERRIDE, { ETag: '"2"' }),
    ...extra,
  });
}

describe("RateLimitsPage", () => {
  it("shows my limits with what is left of each", async () => {
    limitsApi();
    renderRoute("/rate-limits");
    const rows = await screen.findAllByTestId("limit-row");
    expect(rows).toHaveLength(2);
    expect(rows[0].textContent).toContain("250 per 1 min");
    const bar = within(rows[0]).getByRole("meter");
    expect(bar.getAttribute("aria-valuenow")).toBe("40");
    expect(bar.getAttribute("aria-valuemax")).toBe("51");
    expect(rows[0].children[5].textContent).toBe("3 s");
    expect(within(rows[1]).getByRole("meter").className).toContain("low");
    expect(screen.queryByTestId("limits-fallback")).toBeNull();
  });

  it("hides the admin editors from non-admins", async () => {
    limitsApi({
      "GET /api/v1/rate_limit_policies/default": () => json(403, { title: "Forbidden", status: 403, code: "PERMISSION_DENIED", detail: "role member may not do this" }),
    });
    renderRoute("/rate-limits");
    expect(await screen.findByTestId("limits-not-admin")).toBeTruthy();
    expect(screen.queryByTestId("policy-editor")).toBeNull();
  });

  it("saves the default policy with If-Match from the ETag, and offers a reload on 412", async () => {
    let puts = 0;
    const fetch = limitsApi({
      "PUT /api/v1/rate_limit_policies/default": () =>
        ++puts === 1
          ? json(200, { ...DEFAULT, version: 4 }, { ETag: '"4"' })
          : json(412, { title: "Precondition Failed", status: 412, code: "PRECONDITION_FAILED", metadata: { current_version: 5 } }, { ETag: '"5"' }),
    });
    renderRoute("/rate-limits");
    const editor = await screen.findByRole("form", { name: "Default policy rules" });
    fireEvent.change(within(editor).getByLabelText("Rule 1 quota"), { target: { value: "300" } });
    fireEvent.change(within(editor).getByLabelText("Rule 2 burst"), { target: { value: "" } });
    fireEvent.click(within(editor).getByTestId("policy-save"));
    expect((await screen.findByTestId("toast-success")).textContent).toContain("Default policy saved");
    const put = calls(fetch).find((c) => c.method === "PUT")!;
    expect((put.init.headers as Record<string, string>)["If-Match"]).toBe('"3"');
    expect((put.init.headers as Record<string, string>)["Idempotency-Key"]).toBeTruthy();
    expect(bodyOf(put.init)).toEqual({
      policies: [
        { ...RULES[0], quota: 300 },
        { name: "jobs_create", quota: 6, window_seconds: 60, applies_to: "mutations", cost_per_request: 1, key: "user", routes: ["POST /api/v1/jobs"] },
      ],
    });
    const reads = () => calls(fetch).filter((c) => c.method === "GET" && c.url.pathname === "/api/v1/rate_limit_policies/default").length;
    await waitFor(() => expect(reads()).toBe(2));

    fireEvent.click(within(screen.getByRole("form", { name: "Default policy rules" })).getByTestId("policy-save"));
    const stale = await screen.findByTestId("policy-stale");
    expect(stale.textContent).toContain("Someone changed this policy");
    fireEvent.click(within(stale).getByText("Reload"));
    await waitFor(() => expect(reads()).toBe(3));
  });

  it("shows 422 problems at the rule field they point at", async () => {
    limitsApi({
      "PUT /api/v1/rate_limit_policies/default": () =>
        json(422, {
          title: "The request is not valid",
          status: 422,
          code: "VALIDATION_FAILED",
          detail: "1 field is invalid.",
          errors: [{ pointer: "#/policies/1/window_seconds", code: "OUT_OF_RANGE", detail: "window_seconds must be 1 to 86400" }],
        }),
    });
    renderRoute("/rate-limits");
    const editor = await screen.findByRole("form", { name: "Default policy rules" });
    fireEvent.click(within(editor).getByTestId("policy-save"));
    expect((await screen.findByTestId("rule-1-window_seconds-error")).textContent).toBe("window_seconds must be 1 to 86400");
    expect(screen.queryByTestId("rule-0-window_seconds-error")).toBeNull();
  });

  it("creates a user override with If-Match * and edits and deletes an existing one", async () => {
    const fetch = limitsApi({
      "GET /api/v1/users/bob/rate_limit_policy": () => json(404, { title: "Not Found", status: 404, code: "NOT_FOUND" }),
      "PUT /api/v1/users/bob/rate_limit_policy": () => json(200, { ...DEFAULT, id: "bob", user_id: "bob", version: 1 }, { ETag: '"1"' }),
      "DELETE /api/v1/users/alice/rate_limit_policy": () => new Response(null, { status: 204 }),
    });
    renderRoute("/rate-limits");
    const rows = await screen.findAllByTestId("override-row");
    expect(rows).toHaveLength(1);
    expect(rows[0].textContent).toContain("alice");

    fireEvent.change(screen.getByLabelText("User id"), { target: { value: "bob" } });
    fireEvent.click(screen.getByTestId("open-override"));
    const editor = await screen.findByRole("form", { name: "Override rules of bob" });
    expect(screen.getByTestId("override-editor").textContent).toContain("new, starts from the defaults");
    fireEvent.click(within(editor).getByTestId("policy-save"));
    expect((await screen.findByTestId("toast-success")).textContent).toContain("Override for bob saved");
    const put = calls(fetch).find((c) => c.method === "PUT")!;
    expect(put.url.pathname).toBe("/api/v1/users/bob/rate_limit_policy");
    expect((put.init.headers as Record<string, string>)["If-Match"]).toBe("*");

    fireEvent.click(within(screen.getAllByTestId("override-row")[0]).getByTestId("edit-override"));
    const alice = await screen.findByRole("form", { name: "Override rules of alice" });
    expect(within(alice).getAllByTestId("rule-row")).toHaveLength(1);
    fireEvent.click(within(alice).getByTestId("policy-delete"));
    await waitFor(() => expect(screen.queryByRole("form", { name: "Override rules of alice" })).toBeNull());
    const del = calls(fetch).find((c) => c.method === "DELETE")!;
    expect(del.url.pathname).toBe("/api/v1/users/alice/rate_limit_policy");
    expect((del.init.headers as Record<string, string>)["If-Match"]).toBe('"2"');
  }, 15_000);
});
