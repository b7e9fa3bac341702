// Deployment endpoints of /api/v1 (api.md §12.4, issue 12): start with a strategy, list, get, the state transitions
// (:pause, :resume, :promote, :abort, :cancel), revisions and rollback (If-Match with the cluster's ETag). Which buttons a
// status allows is decided here, in one place; the server still refuses the rest with 409 FAILED_PRECONDITION.
import { query, request, seg, type ApiResponse } from "./client";

export type DeploymentStatus =
  | "pending"
  | "progressing"
  | "paused"
  | "promoting"
  | "succeeded"
  | "rolling_back"
  | "rolled_back"
  | "failed"
  | "cancelled"
  | "superseded";

export type StepStatus = "pending" | "running" | "succeeded" | "failed" | "skipped";

export type CanaryStep = { set_weight: number } | { pause: { duration_seconds?: number } } | { analysis: Record<string, unknown> };

export type Strategy =
  | { type: "rolling"; max_surge: string; max_unavailable: string }
  | { type: "blue_green"; scale_down_delay_seconds: number; pre_promotion_analysis?: Record<string, unknown>; post_promotion_analysis?: Record<string, unknown> }
  | { type: "canary"; steps: CanaryStep[] }
  | { type: "canary"; step_weight: number; max_weight: number };

export type StrategyType = Strategy["type"];

export interface DeploymentStep {
  index: number;
  name: string;
  status: StepStatus;
  message: string;
  started_at: string | null;
  finished_at: string | null;
}

export interface AnalysisRun {
  step: number;
  result: "successful" | "failed" | "inconclusive";
  metrics: { name: string; value: number; success_condition: string; passed: boolean }[];
  at: string;
}

export interface Revision {
  number: number;
  image: string;
  config_hash: string;
  replicas: number;
}

export interface Deployment {
  kind: "deployment";
  id: string;
  cluster_id: string;
  revision: Revision;
  deployment_kind: "rollout" | "rollback";
  rollback_of: string | null;
  strategy: Strategy;
  analysis: Record<string, unknown> | null;
  auto_rollback: boolean;
  status: DeploymentStatus;
  current_step: number;
  canary_weight: number;
  message: string;
  progress: { steps: DeploymentStep[] };
  analysis_runs: AnalysisRun[];
  created_at: string;
  updated_at: string;
  finished_at: string | null;
  version: number;
}

export interface DeploymentPage {
  deployments: Deployment[];
  next_page_token?: string;
}

export interface RevisionEntry {
  number: number;
  deployment_id: string;
  image: string;
  config_hash: string;
  created_at: string;
  is_active: boolean;
}

export interface StartDeploymentInput {
  image: string;
  replicas?: number;
  config?: Record<string, unknown>;
  strategy: Strategy;
  analysis?: Record<string, unknown>;
  auto_rollback?: boolean;
  supersede?: boolean;
}

export interface RollbackInput {
  to_revision?: number;
  to_deployment_id?: string;
  skip_analysis?: boolean;
}

export type DeploymentVerb = "pause" | "resume" | "promote" | "abort" | "cancel";

/** Statuses a deployment can still move out of on its own: the page watches these live. */
export const ACTIVE_STATUSES: DeploymentStatus[] = ["pending", "progressing", "paused", "promoting", "rolling_back"];

/** The transitions of api.md §12.4 a user may ask for in `status`. */
export function allowedVerbs(status: DeploymentStatus): DeploymentVerb[] {
  switch (status) {
    case "pending":
      return ["cancel"];
    case "progressing":
      return ["pause", "promote", "abort", "cancel"];
    case "paused":
      return ["resume", "promote", "abort", "cancel"];
    case "promoting":
      return ["abort"];
    default:
      return [];
  }
}

export function isActive(d: Pick<Deployment, "status">): boolean {
  return ACTIVE_STATUSES.includes(d.status);
}

export function startDeployment(clusterId: string, input: StartDeploymentInput): Promise<ApiResponse<Deployment>> {
  return request<Deployment>(`/api/v1/clusters/${seg(clusterId)}/deployments`, { method: "POST", body: input });
}

export function listDeployments(clusterId: string, pageToken?: string, signal?: AbortSignal): Promise<ApiResponse<DeploymentPage>> {
  return request<DeploymentPage>(`/api/v1/clusters/${seg(clusterId)}/deployments${query({ page_size: 20, page_token: pageToken })}`, { signal });
}

export function getDeployment(id: string, signal?: AbortSignal): Promise<ApiResponse<Deployment>> {
  return request<Deployment>(`/api/v1/deployments/${seg(id)}`, { signal });
}

export function deploymentAction(id: string, verb: DeploymentVerb): Promise<ApiResponse<Deployment>> {
  return request<Deployment>(`/api/v1/deployments/${seg(id)}:${verb}`, { method: "POST", body: {} });
}

export function listRevisions(clusterId: string, signal?: AbortSignal): Promise<ApiResponse<{ revisions: RevisionEntry[] }>> {
  return request<{ revisions: RevisionEntry[] }>(`/api/v1/clusters/${seg(clusterId)}/revisions`, { signal });
}

/** A rollback is a new deployment of an earlier revision; If-Match (the cluster's version) is required (428 without). */
export function rollback(clusterId: string, clusterVersion: number, input: RollbackInput): Promise<ApiResponse<Deployment>> {
  return request<Deployment>(`/api/v1/clusters/${seg(clusterId)}/deployments:rollback`, { method: "POST", body: input, ifMatch: clusterVersion });
}

/** "canary 20 → 50 %", "blue-green", "rolling 25%/25%": one line for tables. */
export function describeStrategy(s: Strategy): string {
  if (s.type === "rolling") return `rolling (surge ${s.max_surge}, unavailable ${s.max_unavailable})`;
  if (s.type === "blue_green") return "blue-green";
  if ("steps" in s) return `canary (${s.steps.length} steps)`;
  return `canary (+${s.step_weight} % to ${s.max_weight} %)`;
}
