// Autoscaler decisions as a table (the decision log, or the one decision of an `:evaluate` dry run): when, what each
// metric proposed, the steps (raw → clamped → stabilized → limited), what held it back, and the result.
import type { Decision } from "../api/autoscaling";
import { formatTime } from "../format";

function gateText(gate: Decision["gate"]): string {
  if (!gate) return "";
  if (typeof gate === "string") return gate;
  return gate.until ? `${gate.reason} until ${formatTime(gate.until)}` : gate.reason;
}

function proposals(d: Decision): string {
  return d.proposals.map((p) => `${p.metric} ${p.ratio === null || p.ratio === undefined ? "missing" : `${p.ratio.toFixed(2)}× → ${p.count ?? "—"}`}`).join("; ") || "—";
}

export function DecisionTable({ decisions, label, testid }: { decisions: Decision[]; label: string; testid: string }) {
  return (
    <div className="table-wrap">
      <table aria-label={label} data-testid={testid}>
        <thead>
          <tr>
            <th>When</th>
            <th>Capacity</th>
            <th>Metrics</th>
            <th>Steps</th>
            <th>Held by</th>
            <th>Result</th>
          </tr>
        </thead>
        <tbody>
          {decisions.map((d, i) => (
            <tr key={d.id ?? i} data-testid="decision-row" title={d.reason}>
              <td>{formatTime(d.evaluated_at)}</td>
              <td>{d.capacity}</td>
              <td>{proposals(d)}</td>
              <td>{d.steps ? `raw ${d.steps.raw} → clamped ${d.steps.clamped} → stabilized ${d.steps.stabilized} → limited ${d.steps.limited}` : "—"}</td>
              <td>{[gateText(d.gate), ...(d.notes ?? [])].filter(Boolean).join(", ") || "—"}</td>
              <td data-testid="decision-result">{d.scale ? `scale ${d.scale.from} → ${d.scale.to} (${d.scale.reason})` : `stay at ${d.desired}`}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
