// The scaling history of one autoscaling policy (GET /autoscaling_policies/{id}/events): each scaling it started,
// from → to, why, its status and operation.
import type { ScalingEvent } from "../api/autoscaling";
import { formatTime } from "../format";
import { StatusPill } from "./StatusPill";
import { TargetLink } from "./TargetLink";

/** The history's DO-style statuses as the pills' usual vocabulary (colours). */
const SHOWN_STATUS: Record<string, string> = { in_progress: "running", success: "succeeded", error: "failed" };

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
            <tr key={e.operation_id} data-testid="scaling-event">
              <td>{formatTime(e.started_at)}</td>
              <td>
                {e.current_count} → {e.desired_count}
              </td>
              <td>{e.reason}</td>
              <td>
                <StatusPill status={SHOWN_STATUS[e.status] ?? e.status} />
              </td>
              <td>{formatTime(e.finished_at)}</td>
              <td>
                <TargetLink kind="operation" id={e.operation_id} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
