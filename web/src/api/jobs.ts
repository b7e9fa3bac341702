// Job and queue endpoints of /api/v1 (api.md §11, §12.3): list with filters, get, enqueue with typed args, :cancel, :retry,
// delete, attempts, paged logs and their live tail, queues with :pause / :resume.
import { getToken, parseProblem, ApiError, query, request, seg, type ApiResponse } from "./client";

export const JOB_STATUSES = ["queued", "scheduled", "running", "retrying", "succeeded", "failed", "dead", "cancelled"] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export const JOB_TYPES = ["provision", "scale", "diagnose", "monitor", "sleep", "fail"] as const;
export type JobType = (typeof JOB_TYPES)[number];

export const TERMINAL_STATUSES: readonly string[] = ["succeeded", "failed", "dead", "cancelled"];

export interface JobErrorInfo {
  code: string;
  message: string;
  retryable: boolean;
}

export interface Job {
  kind: "job";
  id: string;
  version: number;
  type: string;
  args: Record<string, unknown>;
  queue: string;
  priority: number;
  status: string;
  attempt: number;
  max_attempts: number;
  run_at: string;
  timeout_seconds: number;
  heartbeat_timeout_seconds?: number;
  unique_key: string | null;
  progress: { percent: number; message: string; updated_at?: string | null };
  last_error: JobErrorInfo | null;
  result: unknown;
  cancel_requested: boolean;
  lease: { worker_id: string; expires_at: string } | null;
  cluster_id: string | null;
  trace_id: string | null;
  created_at: string;
  updated_at: string;
  finished_at?: string;
}

export interface JobPage {
  jobs: Job[];
  next_page_token?: string;
  meta?: { total: number };
}

export interface JobAttempt {
  kind: "job_attempt";
  job_id: string;
  attempt: number;
  run_attempt: number;
  worker_id: string;
  started_at: string;
  finished_at: string | null;
  outcome: string | null;
  error: JobErrorInfo | null;
}

export interface LogLine {
  id: number;
  service: string;
  level: string;
  ts: string;
  message: string;
  job_id: string | null;
  attempt: number | null;
  trace_id: string | null;
}

export interface LogLinePage {
  lines: LogLine[];
  next_page_token?: string;
  meta?: { total: number };
}

export interface Queue {
  kind: "queue";
  name: string;
  depth: number;
  capacity: number;
  running: number;
  oldest_queued_age_seconds: number | null;
  paused: boolean;
}

export interface JobQuery {
  status?: string;
  type?: string;
  queue?: string;
  priority?: string;
  clusterId?: string;
  orderBy?: string;
  pageToken?: string;
  pageSize?: number;
}

/** Typed arguments per job type (features.md §2.3). */
export type JobArgs =
  | { cluster_id: string; node_pool_id: string; count: number }
  | { cluster_id: string; node_pool_id: string; desired: number }
  | { cluster_id: string; node_pool_id: string; delta: number }
  | { cluster_id: string }
  | { seconds: number; steps: number }
  | { message: string; retryable: boolean; fail_attempts: number };

export interface CreateJobInput {
  type: JobType;
  args: JobArgs;
  queue?: string;
  priority?: number;
  run_at?: string;
  timeout_seconds?: number;
  unique_key?: string;
}

/** Cancel: anything not finished and not already asked to stop (a running job stops at its next heartbeat). */
export function canCancel(job: Pick<Job, "status" | "cancel_requested">): boolean {
  return ["queued", "scheduled", "retrying", "running"].includes(job.status) && !job.cancel_requested;
}

/** Retry: `failed`, `dead` or `cancelled` → `queued` with attempt 0 (§12.3). */
export function canRetry(job: Pick<Job, "status">): boolean {
  return ["failed", "dead", "cancelled"].includes(job.status);
}

/** Delete (purge): terminal jobs only; anything else is a 409. */
export function canDelete(job: Pick<Job, "status">): boolean {
  return TERMINAL_STATUSES.includes(job.status);
}

export function isTerminal(status: string): boolean {
  return TERMINAL_STATUSES.includes(status);
}

export function listJobs(q: JobQuery = {}, signal?: AbortSignal): Promise<ApiResponse<JobPage>> {
  const qs = query({
    status: q.status,
    type: q.type,
    queue: q.queue?.trim(),
    priority: q.priority,
    cluster_id: q.clusterId?.trim(),
    order_by: q.orderBy,
    page_size: q.pageSize ?? 20,
    page_token: q.pageToken,
  });
  return request<JobPage>(`/api/v1/jobs${qs}`, { signal });
}

/** Count of jobs in `status` (meta.total of a one-row page). */
export async function countJobs(status?: string, signal?: AbortSignal): Promise<number> {
  const res = await listJobs({ status, pageSize: 1 }, signal);
  return res.data?.meta?.total ?? 0;
}

export function getJob(id: string, signal?: AbortSignal): Promise<ApiResponse<Job>> {
  return request<Job>(`/api/v1/jobs/${seg(id)}`, { signal });
}

/** `201` with the job and its Location. `409 DUPLICATE_JOB` (metadata.existing_job_id), `503 QUEUE_FULL` and `429` carry Retry-After. */
export function createJob(input: CreateJobInput): Promise<ApiResponse<Job>> {
  return request<Job>(`/api/v1/jobs`, { method: "POST", body: input });
}

export function cancelJob(id: string): Promise<ApiResponse<Job>> {
  return request<Job>(`/api/v1/jobs/${seg(id)}:cancel`, { method: "POST" });
}

export function retryJob(id: string): Promise<ApiResponse<Job>> {
  return request<Job>(`/api/v1/jobs/${seg(id)}:retry`, { method: "POST" });
}

/** `204`; a job that is not terminal is a 409. */
export function deleteJob(id: string): Promise<ApiResponse<void>> {
  return request<void>(`/api/v1/jobs/${seg(id)}`, { method: "DELETE" });
}

export function listAttempts(id: string, signal?: AbortSignal): Promise<ApiResponse<{ attempts: JobAttempt[] }>> {
  return request(`/api/v1/jobs/${seg(id)}/attempts`, { signal });
}

/** Log lines oldest first; `pageToken` is the id of the last line seen. */
export function listLogs(id: string, opts: { attempt?: number; pageToken?: string; pageSize?: number } = {}, signal?: AbortSignal): Promise<ApiResponse<LogLinePage>> {
  const qs = query({ attempt: opts.attempt, page_size: opts.pageSize ?? 200, page_token: opts.pageToken });
  return request<LogLinePage>(`/api/v1/jobs/${seg(id)}/logs${qs}`, { signal });
}

export interface SseEvent {
  event: string;
  data: string;
  id?: string;
}

/** Incremental `text/event-stream` parser: feed it chunks, it returns the complete events (comments skipped). */
export function sseParser(): (chunk: string) => SseEvent[] {
  let buffer = "";
  return (chunk) => {
    buffer += chunk.replace(/\r\n?/g, "\n");
    const out: SseEvent[] = [];
    let end: number;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = "message";
      let id: string | undefined;
      const data: string[] = [];
      for (const line of block.split("\n")) {
        if (!line || line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "event") event = value;
        else if (field === "data") data.push(value);
        else if (field === "id") id = value;
      }
      if (data.length) out.push({ event, data: data.join("\n"), id });
    }
    return out;
  };
}

export interface LogStreamHandlers {
  onLine: (line: LogLine) => void;
  /** The job reached a terminal status (or was deleted); the stream is over. */
  onEnd: (status: string) => void;
}

/**
 * `GET /jobs/{id}/logs:stream` read with fetch, not EventSource: the API authenticates only by the
 * `Authorization` header, which EventSource cannot send. Lines after `afterId` (the stream honours
 * `page_token` like the paged logs). Resolves when the stream ends; rejects with ApiError when it
 * cannot be opened, or when it breaks off.
 */
export async function streamLogs(id: string, afterId: number | undefined, handlers: LogStreamHandlers, signal: AbortSignal): Promise<void> {
  const headers: Record<string, string> = { Accept: "text/event-stream" };
  const token = getToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(`/api/v1/jobs/${seg(id)}/logs:stream${query({ page_token: afterId })}`, { headers, signal });
  if (!res.ok) throw new ApiError(await parseProblem(res));
  if (!res.body || !(res.headers.get("Content-Type") ?? "").includes("text/event-stream")) {
    throw new ApiError({ type: "about:blank", title: "No event stream", status: res.status, detail: "the log tail is not available" });
  }
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  const parse = sseParser();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    for (const ev of parse(decoder.decode(value, { stream: true }))) {
      if (ev.event === "line") handlers.onLine(JSON.parse(ev.data) as LogLine);
      else if (ev.event === "end") {
        handlers.onEnd((JSON.parse(ev.data) as { status?: string }).status ?? "");
        void reader.cancel().catch(() => undefined);
        return;
      }
    }
  }
  throw new ApiError({ type: "about:blank", title: "Stream closed", status: 0, detail: "the log tail closed early" });
}

export function listQueues(signal?: AbortSignal): Promise<ApiResponse<{ queues: Queue[] }>> {
  return request(`/api/v1/queues`, { signal });
}

/** Admin only (403 otherwise); 200 `{kind: "queue_control", name, paused}`. */
export function setQueuePaused(name: string, paused: boolean): Promise<ApiResponse<{ name: string; paused: boolean }>> {
  return request(`/api/v1/queues/${seg(name)}:${paused ? "pause" : "resume"}`, { method: "POST" });
}
