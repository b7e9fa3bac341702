// Observability endpoints of /api/v1 (api.md §11): worker pool, write ownership of partitions, projector lag, where Grafana
// is (and its dashboard addresses), and log lines by trace id / job id / service.
import { query, request, type ApiResponse } from "./client";
import type { LogLinePage } from "./jobs";

export interface WorkerLease {
  job_id: string;
  queue: string;
  lease_until: string;
}

export interface WorkerInstance {
  /** The command-api (writer) instance the pool runs in. */
  instance: string;
  size: number;
  busy: number;
  /** Unfinished jobs one queue admits before 503 QUEUE_FULL. */
  queue_capacity: number;
  leases: WorkerLease[];
  first_queued: string[];
  published_at: string;
}

export type PartitionPhase = "serving" | "restoring" | "fenced" | "unowned";

export interface PartitionOwnership {
  partition: number;
  owner: string | null;
  epoch: number;
  phase: PartitionPhase | string;
  next_offset: number;
  published_at: string;
}

export interface ProjectionPartition {
  partition: number;
  checkpoint: number;
  high_watermark: number;
  lag_records: number;
  lag_seconds: number;
}

export interface ProjectionState {
  projection: string;
  partitions: ProjectionPartition[];
  published_at: string;
}

/** A partition counts as lagging from this many records or seconds behind the log. */
export const LAG_RECORDS = 100;
export const LAG_SECONDS = 2;

export function isLagging(p: ProjectionPartition): boolean {
  return p.lag_records >= LAG_RECORDS || p.lag_seconds >= LAG_SECONDS;
}

export function getWorkers(signal?: AbortSignal): Promise<ApiResponse<{ instances: WorkerInstance[] }>> {
  return request(`/api/v1/observability/workers`, { signal });
}

export function getPartitions(signal?: AbortSignal): Promise<ApiResponse<{ partitions: PartitionOwnership[] }>> {
  return request(`/api/v1/observability/partitions`, { signal });
}

export function getProjection(signal?: AbortSignal): Promise<ApiResponse<ProjectionState>> {
  return request<ProjectionState>(`/api/v1/observability/projection`, { signal });
}

/** Where Grafana is (`url` null = not configured) and the dashboard the Monitoring page embeds. */
export interface GrafanaLinks {
  url: string | null;
  demo_dashboard: string;
}

export function getGrafana(signal?: AbortSignal): Promise<ApiResponse<GrafanaLinks>> {
  return request(`/api/v1/observability/grafana`, { signal });
}

/** The address of a dashboard in kiosk mode over `range` (Grafana's relative time, e.g. "now-1h"), with its variables. */
export function dashboardUrl(base: string, uid: string, opts: { kiosk?: boolean; from?: string; vars?: Record<string, string> } = {}): string {
  const q = new URLSearchParams({ orgId: "1", from: opts.from ?? "now-1h", to: "now", refresh: "30s" });
  for (const [name, value] of Object.entries(opts.vars ?? {})) if (value) q.set(`var-${name}`, value);
  const kiosk = opts.kiosk ? "&kiosk" : "";
  return `${base.replace(/\/+$/, "")}/d/${encodeURIComponent(uid)}/${encodeURIComponent(uid)}?${q.toString()}${kiosk}`;
}

export interface LogSearch {
  traceId?: string;
  jobId?: string;
  service?: string;
  pageToken?: string;
}

/** Lines of `log_lines` by trace id, job id and/or service, oldest first (admins: every line; others: their own). */
export function searchLogs(s: LogSearch, signal?: AbortSignal): Promise<ApiResponse<LogLinePage>> {
  const qs = query({ trace_id: s.traceId, job_id: s.jobId, service: s.service, page_token: s.pageToken });
  return request(`/api/v1/observability/logs${qs}`, { signal });
}

/** The trace id of a W3C `traceparent` ("00-<trace id>-<span id>-<flags>"), or the value itself. */
export function traceIdOf(value: string): string {
  const parts = value.split("-");
  return parts.length === 4 && /^[0-9a-f]{32}$/.test(parts[1]) ? parts[1] : value;
}
