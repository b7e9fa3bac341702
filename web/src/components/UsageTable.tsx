// Usage records of one billing period (GET /billing/usage?period=YYYY-MM), paged: one row per resource, size and price
// interval, with its billable time and the amount exactly as served.
import { useState } from "react";
import { currentPeriod, listUsage, usd } from "../api/billing";
import { formatSeconds, formatTime, shortId } from "../format";
import { useResource } from "../hooks/useResource";
import { Pager, usePageTokens } from "./Pager";
import { ProblemMessage } from "./ProblemMessage";

export function UsageTable() {
  const [period, setPeriod] = useState(currentPeriod);
  const pages = usePageTokens();
  const usage = useResource(async (signal) => (await listUsage(period, pages.token, signal)).data, [period, pages.token], { resetOnChange: true });
  const records = usage.data?.usage ?? [];
  return (
    <section className="panel" aria-label="Usage" data-testid="billing-usage">
      <header className="panel-header">
        <h2>Usage</h2>
        <label>
          Period{" "}
          <input
            type="month"
            aria-label="Period"
            value={period}
            onChange={(e) => {
              if (!e.target.value) return;
              pages.reset();
              setPeriod(e.target.value);
            }}
          />
        </label>
      </header>
      <ProblemMessage error={usage.error} onReload={() => usage.reload()} />
      <div className="table-wrap">
        <table aria-label="Usage records">
          <thead>
            <tr>
              <th>Resource</th>
              <th>Size</th>
              <th>Region</th>
              <th>Provider</th>
              <th>Cluster</th>
              <th>From</th>
              <th>To</th>
              <th>Billed time</th>
              <th>Amount</th>
            </tr>
          </thead>
          <tbody>
            {records.map((u) => (
              <tr key={`${u.resource_id}:${u.start_time}:${u.size}`} data-testid="usage-row">
                <td title={u.resource_id}>{u.name}</td>
                <td>{u.size}</td>
                <td>{u.region}</td>
                <td>{u.provider ?? "—"}</td>
                <td className="mono">{shortId(u.cluster_id)}</td>
                <td>{formatTime(u.start_time)}</td>
                <td>{u.end_time ? formatTime(u.end_time) : <span className="pill status-active">running</span>}</td>
                <td>{formatSeconds(u.billable_seconds)}</td>
                <td data-testid="usage-amount">
                  {usd(u.amount)} {u.capped && <span className="pill status-capped">capped</span>}
                </td>
              </tr>
            ))}
            {usage.data && records.length === 0 && (
              <tr>
                <td colSpan={9} className="empty">
                  No usage in {period}.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <Pager pages={pages} next={usage.data?.next_page_token} />
    </section>
  );
}
