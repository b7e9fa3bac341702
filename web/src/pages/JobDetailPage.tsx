// /jobs/:id: status, times, arguments, progress, result / last error, Cancel / Retry / Delete by status (§12.3),
// the attempts table and the live log tail. Reloaded by the job's live events.
import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { ApiError } from "../api/client";
import { canCancel, canDelete, canRetry, cancelJob, deleteJob, getJob, isTerminal, listAttempts, retryJob, type Job } from "../api/jobs";
import { traceIdOf } from "../api/observability";
import { JobLogTail } from "../components/JobLogTail";
import { ProblemMessage } from "../components/ProblemMessage";
import { ProgressBar } from "../components/ProgressBar";
import { StatusPill } from "../components/StatusPill";
import { useConfirm } from "../context/confirm";
import { useToast } from "../context/toast";
import { formatTime, shortId } from "../format";
import { aggregate, FALLBACK_POLL_MS, useResource } from "../hooks/useResource";


function Json({ value, testid }: { value: unknown; testid?: string }) {
  return (
    <pre className="json" data-testid={testid}>
      {JSON.stringify(value, null, 2)}
    </pre>
  );
}

function Attempts({ job, terminal }: { job: Job; terminal: boolean }) {
  const attempts = useResource(async (signal) => (await listAttempts(job.id, signal)).data?.attempts ?? [], [job.id, job.attempt, job.status], {
    pollMs: terminal ? 0 : FALLBACK_POLL_MS,
    live: aggregate(job.id),
  });
  const rows = attempts.data ?? [];
  return (
    <>
      <ProblemMessage error={attempts.error} />
      <table className="attempts">
        <thead>
          <tr>
            <th>#</th>
            <th>Run attempt</th>
            <th>Worker</th>
            <th>Started</th>
            <th>Finished</th>
            <th>Outcome</th>
            <th>Error</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((a) => (
            <tr key={a.attempt} data-testid="attempt-row">
              <td>{a.attempt}</td>
              <td>{a.run_attempt}</td>
              <td className="mono">{a.worker_id}</td>
              <td>{formatTime(a.started_at)}</td>
              <td>{formatTime(a.finished_at)}</td>
              <td>
                <StatusPill status={a.outcome ?? "running"} />
              </td>
              <td className="error-text">{a.error ? `${a.error.code}: ${a.error.message}` : ""}</td>
            </tr>
          ))}
          {attempts.data && rows.length === 0 && (
            <tr>
              <td colSpan={7} className="empty">
                No attempts yet.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </>
  );
}

export function JobDetailPage() {
  const { id = "" } = useParams();
  const navigate = useNavigate();
  const toast = useToast();
  const confirm = useConfirm();
  const [busy, setBusy] = useState(false);
  const [run, setRun] = useState(0);
  const [terminalSeen, setTerminalSeen] = useState(false);
  const job = useResource(async (signal) => (await getJob(id, signal)).data, [id], { pollMs: terminalSeen ? 0 : FALLBACK_POLL_MS, live: aggregate(id), resetOnChange: true });
  const j = job.data;
  const terminal = j ? isTerminal(j.status) : false;
  if (j && terminal !== terminalSeen) {
    // Finished → polling stops; back to work (a retry, here or elsewhere) → polling resumes and the log tail reopens.
    setTerminalSeen(terminal);
    if (!terminal) setRun((n) => n + 1);
  }

  if (!j) {
    return (
      <section className="panel" aria-label="Job">
        {job.error ? (
          <>
            <ProblemMessage error={job.error} onReload={() => job.reload()} />
            <p>
              <Link to="/jobs">Back to jobs</Link>
            </p>
          </>
        ) : (
          <p>Loading…</p>
        )}
      </section>
    );
  }

  async function act(verb: "cancel" | "retry") {
    setBusy(true);
    try {
      if (verb === "cancel") {
        const res = await cancelJob(j!.id);
        toast.info(res.data?.status === "cancelled" ? "Job cancelled." : "Cancel requested; the worker stops at its next heartbeat.");
      } else {
        await retryJob(j!.id);
        toast.success("Job queued again.");
      }
    } catch (err) {
      toast.error(err);
    } finally {
      setBusy(false);
      await job.reload();
    }
  }

  async function remove() {
    const ok = await confirm({
      title: `Delete job ${shortId(j!.id)}?`,
      message: "The job, its attempts and its log lines are purged. Its unique key becomes free again.",
      confirmLabel: "Delete job",
      danger: true,
    });
    if (!ok) return;
    setBusy(true);
    try {
      await deleteJob(j!.id);
      toast.success(`Job ${shortId(j!.id)} deleted.`);
      navigate("/jobs");
    } catch (err) {
      toast.error(err instanceof ApiError && err.status === 409 ? "Only finished jobs can be deleted." : err);
      setBusy(false);
      await job.reload();
    }
  }

  const showError = j.last_error && j.status !== "succeeded";
  return (
    <div className="page">
      <section className="panel" aria-label="Job">
        <header className="panel-header">
          <h2>
            Job <span className="mono">{shortId(j.id)}</span> · <span className="mono">{j.type}</span>
          </h2>
          <span>
            <StatusPill status={j.status} testid="job-status" />
            {j.cancel_requested && !terminal && <span className="muted"> cancelling…</span>}
          </span>
        </header>
        <div className="job-progress" data-testid="job-progress">
          <ProgressBar percent={j.progress?.percent ?? 0} label={j.progress?.message || undefined} />
        </div>
        <dl className="facts">
          <dt>ID</dt>
          <dd className="mono">{j.id}</dd>
          <dt>Queue / priority</dt>
          <dd>
            {j.queue} / {j.priority}
          </dd>
          <dt>Attempt</dt>
          <dd data-testid="job-attempt">
            {j.attempt} of {j.max_attempts}
          </dd>
          <dt>Run at</dt>
          <dd>{formatTime(j.run_at)}</dd>
          <dt>Created / updated</dt>
          <dd>
            {formatTime(j.created_at)} / {formatTime(j.updated_at)}
          </dd>
          <dt>Finished</dt>
          <dd>{formatTime(j.finished_at)}</dd>
          <dt>Timeout</dt>
          <dd>{j.timeout_seconds ? `${j.timeout_seconds} s` : "none"}</dd>
          {j.unique_key && (
            <>
              <dt>Unique key</dt>
              <dd className="mono">{j.unique_key}</dd>
            </>
          )}
          {j.cluster_id && (
            <>
              <dt>Cluster</dt>
              <dd>
                <Link to={`/clusters/${j.cluster_id}`} title={j.cluster_id}>
                  cluster {shortId(j.cluster_id)}
                </Link>
              </dd>
            </>
          )}
          {j.lease && (
            <>
              <dt>Lease</dt>
              <dd>
                <span className="mono">{j.lease.worker_id}</span> until {formatTime(j.lease.expires_at)}
              </dd>
            </>
          )}
          {j.trace_id && (
            <>
              <dt>Trace</dt>
              <dd className="mono">
                <Link to={`/observability?trace_id=${encodeURIComponent(traceIdOf(j.trace_id))}`} title="Log lines of this trace" data-testid="job-trace">
                  {j.trace_id}
                </Link>
              </dd>
            </>
          )}
          <dt>Arguments</dt>
          <dd>
            <Json value={j.args} testid="job-args" />
          </dd>
          {j.result !== null && j.result !== undefined && (
            <>
              <dt>Result</dt>
              <dd>
                <Json value={j.result} testid="job-result" />
              </dd>
            </>
          )}
          {showError && (
            <>
              <dt>Last error</dt>
              <dd className="error-text" data-testid="job-last-error">
                {j.last_error!.code}: {j.last_error!.message} {j.last_error!.retryable ? "(retryable)" : "(not retryable)"}
              </dd>
            </>
          )}
        </dl>
        <div className="actions">
          <button type="button" disabled={busy || !canCancel(j)} onClick={() => act("cancel")} data-testid="job-cancel">
            Cancel
          </button>
          <button type="button" disabled={busy || !canRetry(j)} onClick={() => act("retry")} data-testid="job-retry">
            Retry
          </button>
          <button type="button" className="danger" disabled={busy || !canDelete(j)} onClick={remove} data-testid="job-delete">
            Delete
          </button>
          <Link to="/jobs">All jobs</Link>
        </div>
      </section>
      <section className="panel" aria-label="Attempts">
        <h2>Attempts</h2>
        <Attempts job={j} terminal={terminal} />
      </section>
      <section className="panel" aria-label="Log">
        <JobLogTail key={`${j.id}:${run}`} jobId={j.id} terminal={terminal} />
      </section>
    </div>
  );
}
