// Observability endpoints of /api/v1 (api.md §11): worker pool, write ownership of partitions, projector lag.
import { request, type ApiResponse } from "./client";

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
