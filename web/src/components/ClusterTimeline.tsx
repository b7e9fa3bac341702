// Timeline tab of a cluster: GET /clusters/{id}/events, newest first, reloaded by live events of the cluster and its nodes.
import { listClusterEvents } from "../api/clusters";
import { formatTime } from "../format";
import { aggregates, FALLBACK_POLL_MS, useResource } from "../hooks/useResource";
import { ProblemMessage } from "./ProblemMessage";
import { TargetLink } from "./TargetLink";

export function ClusterTimeline({ clusterId }: { clusterId: string }) {
  const events = useResource(async (signal) => (await listClusterEvents(clusterId, signal)).data, [clusterId], { pollMs: FALLBACK_POLL_MS, live: aggregates("cluster", "droplet") });
  const list = events.data?.events ?? [];
  return (
    <div data-testid="cluster-timeline">
      <ProblemMessage error={events.error} />
      {events.data && list.length === 0 && <p className="muted">No events yet.</p>}
      <ol className="timeline">
        {list.map((ev) => (
          <li key={ev.id} data-testid="timeline-event">
            <time dateTime={ev.occurred_at}>{formatTime(ev.occurred_at)}</time>
            <span className="mono event-type">{ev.type}</span>
            <span className="event-message">{ev.message}</span>
            <span className="muted">
              <TargetLink kind={ev.subject.kind} id={ev.subject.id} />
            </span>
          </li>
        ))}
      </ol>
    </div>
  );
}
