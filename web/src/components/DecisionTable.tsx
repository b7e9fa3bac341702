// Autoscaler decisions as a table (the decision log, or the one decision of an `:evaluate` dry run): when, what each
// metric proposed, the steps (raw → clamped → stabilized → limited), what held it back or noted, and the result.
import type { Decision } from "../api/autoscaling";
import { formatTime } from "../format";

function metrics(d: Decision): string {
  return d.metrics.map((m) => `${m.type} ${m.ratio === null ? "missing" : `${m.ratio.toFixed(2)}× → ${m.proposal ?? "—"}`}`).join("; ") || "—";
}

function result(d: Decision): string {
  return d.action === "hold" ? `stay at ${d.desired}` : `${d.action.replace("_", " ")} ${d.current_count} → ${d.desired}`;
}

export function DecisionTable({ decisions, label, testid }: { decisions: Decision[]; label: string; testid: string }) {
  return (
    <div className="table-wrap">
      <table aria-label={label} data-testid={testid}>
        <thead>
          <tr>
            <th>When</th>
            <th>Nodes / capacity</th>
            <th>Metrics</th>
            <th>Steps</th>
            <th>Held by</th>
            <th>Result</th>
          </tr>
        </thead>
        <tbody>
          {decisions.map((d, i) => (
            <tr key={`${d.evaluated_at}-${i}`} data-testid="decision-row" title={d.reason}>
              <td>{formatTime(d.evaluated_at)}</td>
              <td>
                {d.current_count} / {d.capacity}
              </td>
              <td>{metrics(d)}</td>
              <td>
                raw {d.raw} → clamped {d.clamped} ({d.min_nodes}–{d.max_nodes}) → stabilized {d.stabilized} → limited {d.limited}
              </td>
              <td>{[d.gate, ...(d.notes ?? [])].filter(Boolean).join(", ") || "—"}</td>
              <td data-testid="decision-result">{result(d)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
