// The scaling history of one autoscaling policy (GET /autoscaling_policies/{id}/events): each scaling it started,
// from → to, why, its status and operation.
import type { ScalingEvent } from "../api/autoscaling";
import { formatTime } from "../format";
import { StatusPill } from "./StatusPill";
import { TargetLink } from "./TargetLink";

export function ScalingHistory({ events }: { events: ScalingEvent[] }) {
  if (events.length === 0) return <p className="muted">The autoscaler has not scaled this pool yet.</p>;
  return (
    <div className="table-wrap">
      <table aria-label="Scaling history" data-testid="scaling-history">
        <thead>
          <tr>
            <th>Started</th>
            <th>Nodes</th>
            <th>Reason</th>
            <th>Status</th>
            <th>Finished</th>
            <th>Operation</th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => (
            <tr key={e.id} data-testid="scaling-event" title={e.message ?? undefined}>
              <td>{formatTime(e.started_at)}</td>
              <td>
                {e.from} → {e.to}
              </td>
              <td>{e.reason}</td>
              <td>
                <StatusPill status={e.status} />
              </td>
              <td>{formatTime(e.finished_at)}</td>
              <td>{e.operation_id ? <TargetLink kind="operation" id={e.operation_id} /> : "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
