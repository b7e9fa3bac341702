// Cost tab of a cluster (GET /clusters/{id}/cost): month to date, projected month end, hourly burn rate and the
// per-resource breakdown, every amount as served. A server without the route (404) says so.
import { ApiError } from "../api/client";
import { getClusterCost, usd } from "../api/billing";
import { formatTime, shortId } from "../format";
import { useResource } from "../hooks/useResource";
import { ProblemMessage } from "./ProblemMessage";

/** The burn accrues continuously; a minute is fresh enough to read. */
const COST_POLL_MS = 60_000;

export function ClusterCostTab({ clusterId, poolNames = {} }: { clusterId: string; poolNames?: Record<string, string> }) {
  const cost = useResource(async (signal) => (await getClusterCost(clusterId, signal)).data, [clusterId], { pollMs: COST_POLL_MS, resetOnChange: true });
  if (cost.error instanceof ApiError && cost.error.status === 404 && !cost.data) {
    return (
      <p className="muted" data-testid="cost-unavailable">
        This server does not offer cluster cost yet.
      </p>
    );
  }
  const c = cost.data;
  return (
    <div data-testid="cluster-cost">
      <ProblemMessage error={cost.error} onReload={() => cost.reload()} />
      {c && (
        <>
          <dl className="facts">
            <dt>Month to date</dt>
            <dd data-testid="cost-mtd">{usd(c.month_to_date)}</dd>
            <dt>Projected month end</dt>
            <dd data-testid="cost-projected">{usd(c.projected_month_end)}</dd>
            <dt>Burn rate</dt>
            <dd data-testid="cost-burn">{usd(c.burn_rate_hourly)}/h</dd>
            <dt>As of</dt>
            <dd>{formatTime(c.as_of)}</dd>
          </dl>
          <div className="table-wrap">
            <table aria-label="Cost per resource">
              <thead>
                <tr>
                  <th>Resource</th>
                  <th>Size</th>
                  <th>Pool</th>
                  <th>Month to date</th>
                  <th>Burn rate</th>
                  <th>Projected</th>
                </tr>
              </thead>
              <tbody>
                {(c.resources ?? []).map((r) => (
                  <tr key={r.resource_id} data-testid="cost-row">
                    <td title={r.resource_id}>{r.name}</td>
                    <td>{r.size}</td>
                    <td>{r.node_pool_id ? (poolNames[r.node_pool_id] ?? shortId(r.node_pool_id)) : "—"}</td>
                    <td>{usd(r.month_to_date)}</td>
                    <td>{usd(r.burn_rate_hourly)}/h</td>
                    <td>
                      {usd(r.projected_month_end)} {r.capped && <span className="pill status-capped">capped</span>}
                    </td>
                  </tr>
                ))}
                {(c.resources ?? []).length === 0 && (
                  <tr>
                    <td colSpan={6} className="empty">
                      No billable resource this month.
                    </td>
                  </tr>
                )}
              </tbody>
            </table>
          </div>
        </>
      )}
    </div>
  );
}
