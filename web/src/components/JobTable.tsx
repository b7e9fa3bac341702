// Table of jobs: id link, type, queue and priority, status, live progress, attempts, result or error; Cancel / Retry by status.
import { useState } from "react";
import { Link } from "react-router";
import { cancelJob, canCancel, canRetry, retryJob, type Job } from "../api/jobs";
import { useToast } from "../context/toast";
import { formatShortTime, formatTime, shortId } from "../format";
import { ProgressBar } from "./ProgressBar";
import { StatusPill } from "./StatusPill";

interface Props {
  jobs: Job[];
  onChanged?: () => void;
  empty?: string;
}

/** One line for a job's outcome: its error, else its result (as JSON), else nothing. */
export function jobOutcome(job: Job): { error?: string; result?: string } {
  if (job.last_error && job.status !== "succeeded") return { error: `${job.last_error.code}: ${job.last_error.message}` };
  if (job.result !== null && job.result !== undefined) return { result: JSON.stringify(job.result) };
  return {};
}

export function JobTable({ jobs, onChanged, empty = "No jobs yet." }: Props) {
  const toast = useToast();
  const [busy, setBusy] = useState<string | null>(null);

  async function act(job: Job, verb: "cancel" | "retry") {
    setBusy(job.id);
    try {
      if (verb === "cancel") {
        await cancelJob(job.id);
        toast.info(job.status === "running" ? `Cancel requested for job ${shortId(job.id)}.` : `Job ${shortId(job.id)} cancelled.`);
      } else {
        await retryJob(job.id);
        toast.success(`Job ${shortId(job.id)} queued again.`);
      }
    } catch (err) {
      toast.error(err);
    } finally {
      setBusy(null);
      onChanged?.();
    }
  }

  return (
    <div className="table-wrap">
      <table className="jobs">
        <thead>
          <tr>
            <th>Job</th>
            <th>Type</th>
            <th title="queue · priority (0 = highest)">Queue</th>
            <th>Status</th>
            <th>Progress</th>
            <th>Attempt</th>
            <th>Created</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {jobs.map((job) => {
            const outcome = jobOutcome(job);
            return (
              <tr key={job.id} data-testid="job-row" data-status={job.status}>
                <td className="mono">
                  <Link to={`/jobs/${job.id}`} title={job.id}>
                    {shortId(job.id)}
                  </Link>
                </td>
                <td className="mono">{job.type}</td>
                <td>
                  {job.queue} <span className="muted small-print">· p{job.priority}</span>
                </td>
                <td>
                  <StatusPill status={job.status} />
                  {job.cancel_requested && !["cancelled", "succeeded", "failed", "dead"].includes(job.status) && <span className="muted"> cancelling…</span>}
                </td>
                <td className="progress-cell">
                  {outcome.error ? (
                    <span className="error-text" data-testid="job-error">
                      {outcome.error}
                    </span>
                  ) : (
                    <ProgressBar percent={job.progress?.percent ?? 0} label={job.progress?.message || undefined} />
                  )}
                  {outcome.result && (
                    <span className="muted small-print result-text" title={outcome.result}>
                      {outcome.result}
                    </span>
                  )}
                </td>
                <td>
                  {job.attempt}/{job.max_attempts}
                </td>
                <td className="nowrap" title={formatTime(job.created_at)}>
                  {formatShortTime(job.created_at)}
                </td>
                <td>
                  <div className="row-actions">
                    {canCancel(job) && (
                      <button type="button" className="small" disabled={busy === job.id} onClick={() => act(job, "cancel")} data-testid="cancel-job">
                        Cancel
                      </button>
                    )}
                    {canRetry(job) && (
                      <button type="button" className="small" disabled={busy === job.id} onClick={() => act(job, "retry")} data-testid="retry-job">
                        Retry
                      </button>
                    )}
                  </div>
                </td>
              </tr>
            );
          })}
          {jobs.length === 0 && (
            <tr>
              <td colSpan={8} className="empty">
                {empty}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
