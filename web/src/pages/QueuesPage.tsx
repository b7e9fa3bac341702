// /queues: every job queue with depth / capacity, running jobs, the age of its oldest queued job and whether it is paused;
// Pause / Resume (admin only: a 403 shows as a toast). Reloaded by live job events.
import { useState } from "react";
import { Link } from "react-router";
import { listQueues, setQueuePaused, type Queue } from "../api/jobs";
import { ProblemMessage } from "../components/ProblemMessage";
import { ProgressBar } from "../components/ProgressBar";
import { StatusPill } from "../components/StatusPill";
import { useToast } from "../context/toast";
import { formatSeconds } from "../format";
import { aggregates, FALLBACK_POLL_MS, useResource } from "../hooks/useResource";

export function QueuesPage() {
  const toast = useToast();
  const [busy, setBusy] = useState<string | null>(null);
  const queues = useResource(async (signal) => (await listQueues(signal)).data?.queues ?? [], [], { pollMs: FALLBACK_POLL_MS, live: aggregates("job", "job_queue") });

  async function toggle(q: Queue) {
    setBusy(q.name);
    try {
      await setQueuePaused(q.name, !q.paused);
      toast.success(q.paused ? `Queue ${q.name} resumed.` : `Queue ${q.name} paused: queued jobs wait until it is resumed.`);
    } catch (err) {
      toast.error(err);
    } finally {
      setBusy(null);
      await queues.reload();
    }
  }

  const list = queues.data ?? [];
  return (
    <section className="panel" aria-label="Queues">
      <header className="panel-header">
        <h2>Queues</h2>
        <button type="button" onClick={() => queues.reload()}>
          Refresh
        </button>
      </header>
      <ProblemMessage error={queues.error} />
      <table className="queues">
        <thead>
          <tr>
            <th>Queue</th>
            <th>Depth / capacity</th>
            <th>Running</th>
            <th>Oldest queued</th>
            <th>State</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {list.map((q) => (
            <tr key={q.name} data-testid="queue-row" data-paused={q.paused}>
              <td>
                <Link to={`/jobs?queue=${encodeURIComponent(q.name)}`}>{q.name}</Link>
              </td>
              <td className="progress-cell">
                <ProgressBar percent={q.capacity ? (100 * q.depth) / q.capacity : 0} label={`${q.depth} / ${q.capacity}`} />
              </td>
              <td>{q.running}</td>
              <td>{q.oldest_queued_age_seconds === null ? "—" : formatSeconds(q.oldest_queued_age_seconds)}</td>
              <td>
                <StatusPill status={q.paused ? "paused" : "active"} />
              </td>
              <td>
                <button type="button" className="small" disabled={busy === q.name} onClick={() => toggle(q)} data-testid={q.paused ? "resume-queue" : "pause-queue"}>
                  {q.paused ? "Resume" : "Pause"}
                </button>
              </td>
            </tr>
          ))}
          {queues.data && list.length === 0 && (
            <tr>
              <td colSpan={6} className="empty">
                No queue holds unfinished jobs.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <p className="muted small-print">Pausing and resuming is for admins. Queues are shared: depth and running count every owner's jobs.</p>
    </section>
  );
}
