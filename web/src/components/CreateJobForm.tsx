// Enqueue form for POST /jobs: job type with its typed arguments, queue, priority, run_at, timeout and unique_key.
// Field problems show under their inputs (422 pointers `#/args/...`); 409 DUPLICATE_JOB links to the job that holds the key;
// 503 QUEUE_FULL and 429 say when to try again (Retry-After).
import { useState, type FormEvent } from "react";
import { Link } from "react-router";
import { ApiError } from "../api/client";
import { listClusters } from "../api/clusters";
import { createJob, JOB_TYPES, type CreateJobInput, type Job, type JobArgs, type JobType } from "../api/jobs";
import { useToast } from "../context/toast";
import { shortId } from "../format";
import { useResource } from "../hooks/useResource";
import { FieldError } from "./FieldError";
import { ProblemMessage } from "./ProblemMessage";

interface Props {
  onCreated?: (job: Job) => void;
}

const NEEDS_CLUSTER: JobType[] = ["provision", "scale", "diagnose", "monitor"];
const NEEDS_POOL: JobType[] = ["provision", "scale"];

/** An integer from an input, or undefined when it is blank (the API then reports or defaults it). */
function num(raw: string): number {
  return raw.trim() === "" ? NaN : Number(raw);
}

/** What the API said about a refused enqueue, beyond the field errors. */
function Refusal({ error }: { error: unknown }) {
  if (!(error instanceof ApiError)) return <ProblemMessage error={error} />;
  const p = error.problem;
  const wait = p.retry_after !== undefined ? ` Try again in ${p.retry_after} s.` : "";
  if (p.code === "DUPLICATE_JOB") {
    const existing = typeof p.metadata?.existing_job_id === "string" ? p.metadata.existing_job_id : undefined;
    return (
      <div className="problem" role="alert" data-testid="duplicate-job">
        A job with this unique key exists
        {existing && (
          <>
            :{" "}
            <Link to={`/jobs/${existing}`} title={existing} data-testid="existing-job-link">
              job {shortId(existing)}
            </Link>
          </>
        )}
        . <span className="problem-code">(DUPLICATE_JOB)</span>
      </div>
    );
  }
  if (p.code === "QUEUE_FULL" || p.status === 429 || p.status === 503) {
    return (
      <div className="problem" role="alert" data-testid="retry-after">
        {p.detail || p.title}.{wait}
        {p.code && <span className="problem-code"> ({p.code})</span>}
      </div>
    );
  }
  return <ProblemMessage error={error} />;
}

export function CreateJobForm({ onCreated }: Props) {
  const toast = useToast();
  const clusters = useResource(async (signal) => (await listClusters({ pageSize: 100 }, signal)).data?.clusters ?? [], []);
  const [type, setType] = useState<JobType>("sleep");
  const [clusterId, setClusterId] = useState("");
  const [poolId, setPoolId] = useState("");
  const [count, setCount] = useState("1");
  const [scaleMode, setScaleMode] = useState<"desired" | "delta">("desired");
  const [scaleValue, setScaleValue] = useState("1");
  const [seconds, setSeconds] = useState("10");
  const [steps, setSteps] = useState("5");
  const [message, setMessage] = useState("failed on purpose");
  const [retryable, setRetryable] = useState(true);
  const [failAttempts, setFailAttempts] = useState("0");
  const [queue, setQueue] = useState("default");
  const [priority, setPriority] = useState("5");
  const [runAt, setRunAt] = useState("");
  const [timeout, setTimeoutSeconds] = useState("");
  const [uniqueKey, setUniqueKey] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [created, setCreated] = useState<Job | null>(null);

  const clusterList = clusters.data ?? [];
  const cluster = clusterList.find((c) => c.id === clusterId);
  const pools = cluster?.node_pools ?? [];
  const errors = error instanceof ApiError ? error.fieldErrorsByPointer() : {};

  function args(): JobArgs {
    switch (type) {
      case "provision":
        return { cluster_id: clusterId, node_pool_id: poolId, count: num(count) };
      case "scale":
        return scaleMode === "desired" ? { cluster_id: clusterId, node_pool_id: poolId, desired: num(scaleValue) } : { cluster_id: clusterId, node_pool_id: poolId, delta: num(scaleValue) };
      case "diagnose":
      case "monitor":
        return { cluster_id: clusterId };
      case "sleep":
        return { seconds: num(seconds), steps: num(steps) };
      case "fail":
        return { message, retryable, fail_attempts: num(failAttempts) };
    }
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setCreated(null);
    try {
      const input: CreateJobInput = { type, args: args(), queue: queue.trim() || "default", priority: num(priority) };
      if (runAt) input.run_at = new Date(runAt).toISOString();
      if (timeout.trim()) input.timeout_seconds = num(timeout);
      if (uniqueKey.trim()) input.unique_key = uniqueKey.trim();
      const res = await createJob(input);
      const job = res.data;
      setCreated(job);
      toast.success(`Job ${type} ${shortId(job?.id)} enqueued.`);
      onCreated?.(job);
    } catch (err) {
      setError(err);
      toast.error(err);
    } finally {
      setBusy(false);
    }
  }

  function pickCluster(id: string) {
    setClusterId(id);
    const first = clusterList.find((c) => c.id === id)?.node_pools?.[0];
    setPoolId(first?.id ?? "");
  }

  return (
    <form className="create-form job-form" onSubmit={submit} data-testid="create-job-form">
      <label>
        Type
        <select name="type" value={type} onChange={(e) => setType(e.target.value as JobType)} data-testid="job-type">
          {JOB_TYPES.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
        <FieldError text={errors.type} testid="job-type-error" />
      </label>

      {NEEDS_CLUSTER.includes(type) && (
        <label>
          Cluster
          <select name="cluster_id" value={clusterId} onChange={(e) => pickCluster(e.target.value)} data-testid="job-cluster">
            <option value="">{clusters.loading ? "loading…" : "cluster…"}</option>
            {clusterList.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name} ({c.region})
              </option>
            ))}
          </select>
          <FieldError text={errors["args/cluster_id"]} testid="job-args-cluster_id-error" />
        </label>
      )}
      {NEEDS_POOL.includes(type) && (
        <label>
          Node pool
          <select name="node_pool_id" value={poolId} onChange={(e) => setPoolId(e.target.value)} data-testid="job-pool">
            <option value="">{cluster ? "node pool…" : "pick a cluster first"}</option>
            {pools.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name} ({p.count} × {p.size})
              </option>
            ))}
          </select>
          <FieldError text={errors["args/node_pool_id"]} testid="job-args-node_pool_id-error" />
        </label>
      )}
      {type === "provision" && (
        <label>
          Nodes to add
          <input type="number" name="count" min={1} max={100} value={count} onChange={(e) => setCount(e.target.value)} data-testid="job-count" />
          <FieldError text={errors["args/count"]} testid="job-args-count-error" />
        </label>
      )}
      {type === "scale" && (
        <div className="inline-fields">
          <label>
            Scale by
            <select name="scale_mode" value={scaleMode} onChange={(e) => setScaleMode(e.target.value as "desired" | "delta")} data-testid="job-scale-mode">
              <option value="desired">desired count</option>
              <option value="delta">delta (±)</option>
            </select>
          </label>
          <label>
            {scaleMode === "desired" ? "Desired nodes" : "Delta"}
            <input type="number" name="scale_value" value={scaleValue} onChange={(e) => setScaleValue(e.target.value)} data-testid="job-scale-value" />
            <FieldError text={errors[`args/${scaleMode}`] ?? errors.args} testid="job-args-scale-error" />
          </label>
        </div>
      )}
      {type === "sleep" && (
        <div className="inline-fields">
          <label>
            Seconds
            <input type="number" name="seconds" min={0} max={3600} value={seconds} onChange={(e) => setSeconds(e.target.value)} data-testid="job-seconds" />
            <FieldError text={errors["args/seconds"]} testid="job-args-seconds-error" />
          </label>
          <label>
            Steps
            <input type="number" name="steps" min={1} max={100} value={steps} onChange={(e) => setSteps(e.target.value)} data-testid="job-steps" />
            <FieldError text={errors["args/steps"]} testid="job-args-steps-error" />
          </label>
        </div>
      )}
      {type === "fail" && (
        <>
          <label>
            Message
            <input name="message" value={message} onChange={(e) => setMessage(e.target.value)} data-testid="job-message" />
            <FieldError text={errors["args/message"]} testid="job-args-message-error" />
          </label>
          <div className="inline-fields">
            <label className="checkbox">
              <input type="checkbox" name="retryable" checked={retryable} onChange={(e) => setRetryable(e.target.checked)} data-testid="job-retryable" />
              retryable
            </label>
            <label>
              Failing attempts (0 = every one)
              <input type="number" name="fail_attempts" min={0} max={25} value={failAttempts} onChange={(e) => setFailAttempts(e.target.value)} data-testid="job-fail-attempts" />
              <FieldError text={errors["args/fail_attempts"]} testid="job-args-fail_attempts-error" />
            </label>
          </div>
        </>
      )}
      <FieldError text={errors.args} testid="job-args-error" />

      <div className="inline-fields">
        <label>
          Queue
          <input name="queue" value={queue} onChange={(e) => setQueue(e.target.value)} data-testid="job-queue" />
          <FieldError text={errors.queue} testid="job-queue-error" />
        </label>
        <label>
          Priority (0 = highest)
          <select name="priority" value={priority} onChange={(e) => setPriority(e.target.value)} data-testid="job-priority">
            {Array.from({ length: 10 }, (_, i) => (
              <option key={i} value={i}>
                {i}
              </option>
            ))}
          </select>
          <FieldError text={errors.priority} testid="job-priority-error" />
        </label>
      </div>
      <div className="inline-fields">
        <label>
          Run at (empty = now)
          <input type="datetime-local" name="run_at" value={runAt} onChange={(e) => setRunAt(e.target.value)} data-testid="job-run-at" />
          <FieldError text={errors.run_at} testid="job-run_at-error" />
        </label>
        <label>
          Timeout (s, empty = none)
          <input type="number" name="timeout_seconds" min={0} max={86400} value={timeout} onChange={(e) => setTimeoutSeconds(e.target.value)} data-testid="job-timeout" />
          <FieldError text={errors.timeout_seconds} testid="job-timeout_seconds-error" />
        </label>
      </div>
      <label>
        Unique key (optional)
        <input name="unique_key" value={uniqueKey} onChange={(e) => setUniqueKey(e.target.value)} placeholder="nightly-report-2026-12-02" data-testid="job-unique-key" />
        <FieldError text={errors.unique_key} testid="job-unique_key-error" />
      </label>
      <button type="submit" className="primary" disabled={busy} data-testid="create-job-submit">
        {busy ? "Enqueueing…" : "Enqueue job"}
      </button>
      {error !== null && <Refusal error={error} />}
      {created && (
        <p className="muted small-print" data-testid="job-created">
          Enqueued{" "}
          <Link to={`/jobs/${created.id}`} title={created.id}>
            job {shortId(created.id)}
          </Link>{" "}
          ({created.status}).
        </p>
      )}
      <ProblemMessage error={clusters.error} />
    </form>
  );
}
