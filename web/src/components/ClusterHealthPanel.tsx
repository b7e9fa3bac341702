// Health of a cluster from GET /clusters/{id}/health: a status badge (healthy / warning / critical), when and over
// which window it was evaluated, and each issue with its evidence (metric, value, threshold, node). Shows what the
// server derived; never recomputes severity here.
import { getHealth } from "../api/telemetry";
import { formatSeconds, formatTime, shortId } from "../format";
import { useResource } from "../hooks/useResource";
import { ProblemMessage } from "./ProblemMessage";

export const HEALTH_REFRESH_MS = 15_000;

/** `PT300S` → 300 (the server also sends `window_seconds`; this covers answers without it). */
function windowSeconds(window: string, seconds?: number): number | undefined {
  if (seconds !== undefined) return seconds;
  const m = /^PT(\d+)S$/.exec(window);
  return m ? Number(m[1]) : undefined;
}

export function ClusterHealthPanel({ clusterId, nodeNames }: { clusterId: string; nodeNames: Record<string, string> }) {
  const health = useResource(async (signal) => (await getHealth(clusterId, signal)).data, [clusterId], { pollMs: HEALTH_REFRESH_MS });
  const h = health.data;
  const seconds = h && windowSeconds(h.window, h.window_seconds);
  return (
    <div data-testid="cluster-health">
      <ProblemMessage error={health.error} onReload={() => health.reload()} />
      {h && (
        <>
          <p>
            <span className={`pill health-${h.status}`} data-testid="health-status" role="status" aria-label={`Health: ${h.status}`}>
              {h.status}
            </span>{" "}
            <span className="muted">
              evaluated {formatTime(h.evaluated_at)} over the last {seconds !== undefined ? formatSeconds(seconds) : h.window}
            </span>
          </p>
          {h.issues.length === 0 ? (
            <p className="muted">No threshold crossed: cpu ≤ 80 %, memory ≤ 85 %, disk ≤ 90 % on every node.</p>
          ) : (
            <div className="table-wrap">
              <table aria-label="Health issues">
                <thead>
                  <tr>
                    <th>Severity</th>
                    <th>Node</th>
                    <th>Metric</th>
                    <th>Value</th>
                    <th>Threshold</th>
                    <th>Sampled</th>
                  </tr>
                </thead>
                <tbody>
                  {h.issues.map((i) => (
                    <tr key={`${i.node_id}-${i.metric}`} data-testid="health-issue" data-severity={i.severity} title={i.message}>
                      <td>
                        <span className={`pill health-${i.severity}`}>{i.severity}</span>
                      </td>
                      <td>{nodeNames[i.node_id] ?? <span className="mono">{shortId(i.node_id)}</span>}</td>
                      <td>{i.metric}</td>
                      <td>
                        <strong>
                          {i.value}
                          {i.unit}
                        </strong>
                      </td>
                      <td>
                        &gt; {i.threshold}
                        {i.unit}
                      </td>
                      <td>{formatTime(i.sampled_at)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </div>
  );
}
