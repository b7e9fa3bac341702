// Invoices (GET /billing/invoices) and, for the one chosen, its items (GET /billing/invoices/{id}): description, size,
// duration, period and amount. The invoice total is the served amount, never a sum computed here.
import { useState } from "react";
import { getInvoice, listInvoices, usd, type InvoiceDetail } from "../api/billing";
import { formatTime } from "../format";
import { useResource } from "../hooks/useResource";
import { Pager, usePageTokens } from "./Pager";
import { ProblemMessage } from "./ProblemMessage";
import { StatusPill } from "./StatusPill";

function duration(value: number, unit: "seconds" | "hours"): string {
  return unit === "hours" ? `${value} h` : `${value} s`;
}

function InvoiceItems({ invoice }: { invoice: InvoiceDetail }) {
  return (
    <section aria-label={`Invoice ${invoice.id}`} data-testid="invoice-detail">
      <h3>
        Invoice {invoice.id} · <StatusPill status={invoice.status} /> · total <span data-testid="invoice-total">{usd(invoice.amount)}</span>
      </h3>
      <table aria-label="Invoice items">
        <thead>
          <tr>
            <th>Description</th>
            <th>Size</th>
            <th>Duration</th>
            <th>From</th>
            <th>To</th>
            <th>Amount</th>
          </tr>
        </thead>
        <tbody>
          {(invoice.items ?? []).map((it, i) => (
            <tr key={`${it.resource_id}:${i}`} data-testid="invoice-item">
              <td title={it.resource_id}>{it.description}</td>
              <td>{it.size}</td>
              <td>{duration(it.duration, it.duration_unit)}</td>
              <td>{formatTime(it.start_time)}</td>
              <td>{formatTime(it.end_time)}</td>
              <td data-testid="invoice-item-amount">
                {usd(it.amount)} {it.capped && <span className="pill status-capped">capped</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export function Invoices() {
  const pages = usePageTokens();
  const list = useResource(async (signal) => (await listInvoices(pages.token, signal)).data, [pages.token]);
  const [chosen, setChosen] = useState<string | null>(null);
  const detail = useResource(async (signal) => (await getInvoice(chosen!, signal)).data, [chosen], { enabled: !!chosen, resetOnChange: true });
  const invoices = list.data?.invoices ?? [];
  return (
    <section className="panel" aria-label="Invoices" data-testid="billing-invoices">
      <h2>Invoices</h2>
      <ProblemMessage error={list.error} onReload={() => list.reload()} />
      <table aria-label="Invoice list">
        <thead>
          <tr>
            <th>Period</th>
            <th>Status</th>
            <th>Amount</th>
            <th>Created</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {invoices.map((inv) => (
            <tr key={inv.id} data-testid="invoice-row" aria-selected={inv.id === chosen}>
              <td>{inv.period}</td>
              <td>
                <StatusPill status={inv.status} />
              </td>
              <td data-testid="invoice-amount">{usd(inv.amount)}</td>
              <td>{formatTime(inv.created_at)}</td>
              <td>
                <button type="button" className="link" onClick={() => setChosen(inv.id)} aria-label={`Show invoice ${inv.id}`} data-testid="invoice-show">
                  Show
                </button>
              </td>
            </tr>
          ))}
          {list.data && invoices.length === 0 && (
            <tr>
              <td colSpan={5} className="empty">
                No invoice yet.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <Pager pages={pages} next={list.data?.next_page_token} />
      <ProblemMessage error={detail.error} />
      {detail.data && <InvoiceItems invoice={detail.data} />}
    </section>
  );
}
