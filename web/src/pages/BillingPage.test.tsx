// Tests for /billing: the balance, usage, invoice and estimate amounts are the served strings verbatim; the period
// picker asks for ?period=YYYY-MM; an invoice shows its items; an estimate posts its rows and a 422 pointer
// (#/items/1/count) shows under that row's field; a server without billing says so and still offers the calculator.
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { bodyOf, calls, mockApi } from "../test/api";
import { json } from "../test/http";
import { renderRoute } from "../test/render";

const balance = { month_to_date_usage: "12.345678", month_to_date_balance: "12.345678", account_balance: "12.345678", generated_at: "2026-12-03T10:00:00Z" };
const usage = (period: string) => ({
  usage: [
    { resource_id: "d1", resource_kind: "droplet", name: "web-1", size: "s-1vcpu-1gb", region: "nyc1", provider: "alpha", cluster_id: null, start_time: `${period}-01T00:00:00Z`, end_time: null, billable_seconds: 7200, amount: "0.017858", capped: false },
    { resource_id: "d2", resource_kind: "droplet", name: "db-1", size: "s-2vcpu-4gb", region: "nyc1", provider: null, cluster_id: null, start_time: `${period}-01T00:00:00Z`, end_time: `${period}-28T00:00:00Z`, billable_seconds: 2419200, amount: "24.00", capped: true },
  ],
  next_page_token: null,
});
const invoice = { id: "2026-11", period: "2026-11", status: "issued", amount: "30.10", created_at: "2026-12-01T00:00:00Z" };
const invoiceItems = [
  { resource_id: "d2", description: "db-1 (s-2vcpu-4gb)", size: "s-2vcpu-4gb", duration: 672, duration_unit: "hours", start_time: "2026-11-01T00:00:00Z", end_time: "2026-11-30T00:00:00Z", amount: "24.00", capped: true },
  { resource_id: "d1", description: "web-1 (s-1vcpu-1gb)", size: "s-1vcpu-1gb", duration: 2458080, duration_unit: "seconds", start_time: "2026-11-01T00:00:00Z", end_time: "2026-11-30T00:00:00Z", amount: "6.10", capped: false },
];
const BILLING = {
  "GET /api/v1/billing/balance": balance,
  "GET /api/v1/billing/usage": (u: URL) => json(200, usage(u.searchParams.get("period") ?? "2026-12")),
  "GET /api/v1/billing/invoices": { invoices: [invoice] },
  "GET /api/v1/billing/invoices/2026-11": { ...invoice, items: invoiceItems },
};

describe("BillingPage", () => {
  it("shows the balance, usage and invoices with the served money strings", async () => {
    const fetch = mockApi(BILLING);
    renderRoute("/billing");
    expect((await screen.findByTestId("balance-usage")).textContent).toBe("$12.345678");
    const rows = await screen.findAllByTestId("usage-row");
    expect(rows.map((r) => within(r).getByTestId("usage-amount").textContent?.trim())).toEqual(["$0.017858", "$24.00 capped"]);
    expect(within(rows[0]).getByText("running")).toBeTruthy();
    expect((await screen.findByTestId("invoice-amount")).textContent).toBe("$30.10");
    fireEvent.click(screen.getByLabelText("Show invoice 2026-11"));
    const detail = await screen.findByTestId("invoice-detail");
    expect(within(detail).getByTestId("invoice-total").textContent).toBe("$30.10");
    expect(within(detail).getAllByTestId("invoice-item-amount").map((c) => c.textContent?.trim())).toEqual(["$24.00 capped", "$6.10"]);
    expect(within(detail).getByText("672 h")).toBeTruthy();
    const usageCall = calls(fetch).find((c) => c.url.pathname === "/api/v1/billing/usage")!;
    expect(usageCall.url.searchParams.get("period")).toMatch(/^\d{4}-\d{2}$/);
  });

  it("asks for another period's usage", async () => {
    const fetch = mockApi(BILLING);
    renderRoute("/billing");
    await screen.findAllByTestId("usage-row");
    fireEvent.change(screen.getByLabelText("Period"), { target: { value: "2026-10" } });
    await waitFor(() => expect(calls(fetch).some((c) => c.url.pathname === "/api/v1/billing/usage" && c.url.searchParams.get("period") === "2026-10")).toBe(true));
  });

  it("estimates rows of sizes and shows the totals as served", async () => {
    const fetch = mockApi({
      ...BILLING,
      "POST /api/v1/billing/estimates": () => json(200, {
        hourly_total: "0.062501",
        monthly_total: "42.00",
        items: [
          { kind: "droplet", size: "s-1vcpu-1gb", count: 3, hours: 672, unit_hourly: "0.008929", unit_monthly: "6.00", amount: "18.00", capped: true },
          { kind: "droplet", size: "s-2vcpu-4gb", count: 1, hours: 10, unit_hourly: "0.035714", unit_monthly: "24.00", amount: "0.357143", capped: false },
        ],
        assumptions: ["a month is billed as at most 672 hours"],
      }),
    });
    renderRoute("/billing");
    const calc = await screen.findByTestId("estimate-calculator");
    await within(calc).findByRole("option", { name: "c-8vcpu-16gb" });
    fireEvent.change(within(calc).getByLabelText("Count of row 1"), { target: { value: "3" } });
    fireEvent.click(within(calc).getByTestId("estimate-add-row"));
    fireEvent.change(within(calc).getByLabelText("Size of row 2"), { target: { value: "s-2vcpu-4gb" } });
    fireEvent.change(within(calc).getByLabelText("Hours of row 2"), { target: { value: "10" } });
    fireEvent.click(within(calc).getByTestId("estimate-submit"));
    expect((await within(calc).findByTestId("estimate-monthly")).textContent).toBe("$42.00");
    expect(within(calc).getByTestId("estimate-hourly").textContent).toBe("$0.062501");
    expect(within(calc).getAllByTestId("estimate-line")[1].textContent).toContain("$0.357143");
    expect(within(calc).getByText("a month is billed as at most 672 hours")).toBeTruthy();
    const post = calls(fetch).find((c) => c.method === "POST")!;
    expect(bodyOf(post.init)).toEqual({
      items: [
        { kind: "droplet", size: "s-1vcpu-1gb", count: 3 },
        { kind: "droplet", size: "s-2vcpu-4gb", count: 1, hours: 10 },
      ],
    });
  });

  it("shows an estimate's 422 pointer under the row and field it names", async () => {
    mockApi({
      ...BILLING,
      "POST /api/v1/billing/estimates": () => json(422, {
        type: "about:blank", title: "Invalid argument", status: 422, code: "INVALID_ARGUMENT", detail: "invalid estimate",
        errors: [{ pointer: "#/items/1/count", code: "OUT_OF_RANGE", detail: "must be at most 1000" }],
      }),
    });
    renderRoute("/billing");
    const calc = await screen.findByTestId("estimate-calculator");
    await within(calc).findByRole("option", { name: "s-1vcpu-1gb" });
    fireEvent.click(within(calc).getByTestId("estimate-add-row"));
    fireEvent.change(within(calc).getByLabelText("Count of row 2"), { target: { value: "100000" } });
    fireEvent.click(within(calc).getByTestId("estimate-submit"));
    expect((await within(calc).findByTestId("estimate-error-1-count")).textContent).toBe("must be at most 1000");
    expect(within(calc).queryByTestId("estimate-error-0-count")).toBeNull();
  });

  it("says so when the server has no billing routes, and still offers the calculator", async () => {
    mockApi({});
    renderRoute("/billing");
    expect(await screen.findByTestId("billing-unavailable")).toBeTruthy();
    expect(screen.getByTestId("estimate-calculator")).toBeTruthy();
  });
});
