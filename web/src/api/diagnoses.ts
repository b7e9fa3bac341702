// Diagnoses of a cluster (api.md §11, §15): run one (an Operation), read the history and one result, and act on an
// insight's recommendation. Every request and response type of the diagnosis API lives here. Never invents a request:
// "Implement" sends exactly the server's `request_hint`, and only to this API.
import { query, request, seg, type ApiResponse } from "./client";
import type { CreateJobInput, Job } from "./jobs";
import type { Operation } from "./operations";

export type Severity = "error" | "warning" | "suggestion";
/** Worst first: the order insights are grouped in. */
export const SEVERITIES: Severity[] = ["error", "warning", "suggestion"];

export interface Evidence {
  /** `cpu`, `memory`, `disk` (in %), `node_count`, `samples`, `dead_jobs` or `jobs_backlog_per_node`. */
  metric: string;
  value: number;
  threshold: number;
  /** `10m`, `5m`, … or `now` for a point-in-time count. */
  window: string;
}

/** The request the SPA sends on "Implement", shown to the user first. */
export interface RequestHint {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: string;
  body: unknown;
}

export interface Recommendation {
  action: string;
  /** null when no single request follows the recommendation. */
  request_hint: RequestHint | null;
  /** A `POST /api/v1/jobs` body doing the same as the hint, when a job type does it. */
  job_request: CreateJobInput | null;
}

export interface Insight {
  check: string;
  category: string;
  severity: Severity;
  title: string;
  message: string;
  evidence: Evidence | null;
  /** `cluster`, `node_pool` or `node`. */
  object: { kind: string; id: string; name: string };
  recommendation: Recommendation;
}

export interface Diagnosis {
  kind: "diagnosis";
  id: string;
  version: number;
  cluster_id: string;
  /** `succeeded`: a diagnosis is recorded when its run is over. */
  status: string;
  /** `rules`, or `llm` when the optional model path answered. */
  source: string;
  /** The operation of a requested run (null for a run by a `diagnose` job). */
  operation_id: string | null;
  /** The `diagnose` job that ran it (null for a requested run). */
  job_id: string | null;
  requested_by: string;
  requested_at: string;
  completed_at: string;
  counts: Record<Severity, number>;
  /** Worst severity first. */
  insights: Insight[];
}

export interface DiagnosisPage {
  diagnoses: Diagnosis[];
  next_page_token?: string;
}

/** `202 {diagnosis, operation}` with Operation-Location; rate policy `diagnoses` (429 when exhausted). */
export function runDiagnosis(clusterId: string): Promise<ApiResponse<{ diagnosis?: Diagnosis; operation?: Operation | null }>> {
  return request(`/api/v1/clusters/${seg(clusterId)}/diagnoses`, { method: "POST", body: {} });
}

/** History, newest first. */
export function listDiagnoses(clusterId: string, signal?: AbortSignal): Promise<ApiResponse<DiagnosisPage>> {
  return request<DiagnosisPage>(`/api/v1/clusters/${seg(clusterId)}/diagnoses${query({ page_size: 20 })}`, { signal });
}

export function getDiagnosis(clusterId: string, id: string, signal?: AbortSignal): Promise<ApiResponse<Diagnosis>> {
  return request<Diagnosis>(`/api/v1/clusters/${seg(clusterId)}/diagnoses/${seg(id)}`, { signal });
}

/** The diagnosis a finished `cluster.diagnose` operation produced, when its result names one. */
export function diagnosisIdOf(op: Operation): string | undefined {
  const r = op.result as { diagnosis_id?: string; diagnosis?: { id?: string }; id?: string } | null | undefined;
  return r?.diagnosis_id ?? r?.diagnosis?.id ?? (op.target.kind === "diagnosis" ? op.target.id : undefined);
}

/** Whether a hint may be sent: only to this API (the hint comes from the server, but a link elsewhere is never followed). */
export function sendableHint(hint: RequestHint): boolean {
  return hint.path.startsWith("/api/v1/") && ["POST", "PUT", "PATCH", "DELETE"].includes(hint.method);
}

/** "Implement": sends the hint as it is (with an Idempotency-Key, like every mutation). */
export function implementHint(hint: RequestHint): Promise<ApiResponse<unknown>> {
  if (!sendableHint(hint)) throw new Error(`refusing to send ${hint.method} ${hint.path}`);
  return request(hint.path, { method: hint.method, body: hint.body });
}

/** "Create job": posts the recommendation's job request. */
export function createJobFromRecommendation(jobRequest: CreateJobInput): Promise<ApiResponse<Job>> {
  return request<Job>(`/api/v1/jobs`, { method: "POST", body: jobRequest });
}
