// /observability (the Monitoring page): the embedded Grafana dashboard (or a note when none is configured), the worker
// pool of each command-api instance (size, busy, leases, first queued jobs), write ownership per partition (owner, epoch,
// phase, next offset) and the projector's lag per partition (highlighted when lagging), every 3 s; and log lines by
// trace id (`?trace_id=` opens one).
import { Link, useSearchParams } from "react-router";
import { getPartitions, getProjection, getWorkers, isLagging, LAG_RECORDS, LAG_SECONDS } from "../api/observability";
import { GrafanaEmbed } from "../components/GrafanaEmbed";
import { ProblemMessage } from "../components/ProblemMessage";
import { ProgressBar } from "../components/ProgressBar";
import { StatusPill } from "../components/StatusPill";
import { TraceLogs } from "../components/TraceLogs";
import { formatSeconds, formatTime, shortId } from "../format";
import { useResource } from "../hooks/useResource";

export const OBSERVABILITY_POLL_MS = 3000;

function Workers() {
  const workers = useResource(async (signal) => (await getWorkers(signal)).data?.instances ?? [], [], { pollMs: OBSERVABILITY_POLL_MS });
  const list = workers.data ?? [];
  return (
    <section className="panel" aria-label="Worker pool">
      <h2>Worker pool</h2>
      <ProblemMessage error={workers.error} />
      {list.map((w) => (
        <div key={w.instance} className="pool" data-testid="worker-instance">
          <header className="panel-header">
            <h3 className="mono">{w.instance}</h3>
            <span className="muted small-print">published {formatTime(w.published_at)}</span>
          </header>
          <ProgressBar percent={w.size ? (100 * w.busy) / w.size : 0} label={`${w.busy} of ${w.size} workers busy`} />
          <table>
            <thead>
              <tr>
                <th>Leased job</th>
                <th>Queue</th>
                <th>Lease until</th>
              </tr>
            </thead>
            <tbody>
              {w.leases.map((l) => (
                <tr key={l.job_id} data-testid="lease-row">
                  <td className="mono">
                    <Link to={`/jobs/${l.job_id}`} title={l.job_id}>
                      {shortId(l.job_id)}
                    </Link>
                  </td>
                  <td>{l.queue}</td>
                  <td>{formatTime(l.lease_until)}</td>
                </tr>
              ))}
              {w.leases.length === 0 && (
                <tr>
                  <td colSpan={3} className="empty">
                    No leases held.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
          <p className="small-print">
            First queued:{" "}
            {w.first_queued.length === 0 && <span className="muted">none</span>}
            {w.first_queued.map((id) => (
              <Link key={id} to={`/jobs/${id}`} className="chip mono" title={id} data-testid="queued-job">
                {shortId(id)}
              </Link>
            ))}
          </p>
        </div>
      ))}
      {workers.data && list.length === 0 && <p className="muted">No worker pool has reported yet.</p>}
    </section>
  );
}

function Partitions() {
  const parts = useResource(async (signal) => (await getPartitions(signal)).data?.partitions ?? [], [], { pollMs: OBSERVABILITY_POLL_MS });
  const latest = (parts.data ?? []).map((p) => p.published_at).sort().at(-1);
  return (
    <section className="panel" aria-label="Partitions">
      <h2>Write ownership</h2>
      <ProblemMessage error={parts.error} />
      <table>
        <thead>
          <tr>
            <th>Partition</th>
            <th>Owner</th>
            <th>Epoch</th>
            <th>Phase</th>
            <th>Next offset</th>
          </tr>
        </thead>
        <tbody>
          {(parts.data ?? []).map((p) => (
            <tr key={p.partition} data-testid="partition-row" data-phase={p.phase}>
              <td>{p.partition}</td>
              <td className="mono" title={`published ${formatTime(p.published_at)}`}>
                {p.owner ?? <span className="muted">none</span>}
              </td>
              <td>{p.epoch}</td>
              <td>
                <StatusPill status={p.phase} />
              </td>
              <td>{p.next_offset}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {latest && <p className="muted small-print">Published {formatTime(latest)}.</p>}
    </section>
  );
}

function Projection() {
  const proj = useResource(async (signal) => (await getProjection(signal)).data, [], { pollMs: OBSERVABILITY_POLL_MS });
  const p = proj.data;
  const lagging = (p?.partitions ?? []).filter(isLagging).length;
  return (
    <section className="panel" aria-label="Projection lag">
      <header className="panel-header">
        <h2>Projection lag {p && <span className="mono muted">{p.projection}</span>}</h2>
        <span className={lagging ? "pill status-degraded" : "pill status-up"} data-testid="projection-summary">
          {p ? (lagging ? `${lagging} partition(s) lagging` : "caught up") : "…"}
        </span>
      </header>
      <ProblemMessage error={proj.error} />
      <table>
        <thead>
          <tr>
            <th>Partition</th>
            <th>Checkpoint</th>
            <th>High watermark</th>
            <th>Lag (records)</th>
            <th>Lag (time)</th>
          </tr>
        </thead>
        <tbody>
          {(p?.partitions ?? []).map((row) => {
            const lag = isLagging(row);
            return (
              <tr key={row.partition} className={lag ? "lagging" : undefined} data-testid="projection-row" data-lagging={lag}>
                <td>{row.partition}</td>
                <td>{row.checkpoint}</td>
                <td>{row.high_watermark}</td>
                <td>{row.lag_records}</td>
                <td>{formatSeconds(row.lag_seconds)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p className="muted small-print">
        Lagging from {LAG_RECORDS} records or {LAG_SECONDS} s behind the log. {p && `Published ${formatTime(p.published_at)}.`}
      </p>
    </section>
  );
}

export function ObservabilityPage() {
  const [params] = useSearchParams();
  return (
    <div className="page">
      <GrafanaEmbed cluster={params.get("cluster") ?? undefined} />
      <Workers />
      <div className="grid-2">
        <Projection />
        <Partitions />
      </div>
      <TraceLogs initialTraceId={params.get("trace_id") ?? ""} />
    </div>
  );
}
