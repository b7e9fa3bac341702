// Telemetry of one cluster (api.md §11, features.md §2.6): its metric samples (paged, newest first), its derived
// health, and the demo demand control. Types only mirror the server (crates/contract/src/telemetry.rs); never computes health.
import { query, request, seg, type ApiResponse } from "./client";
import type { Cluster } from "./clusters";

/** One vocabulary everywhere: cpu, memory, disk in %, network in Mbps. */
export type MetricType = "cpu" | "memory" | "disk" | "network";
export const METRIC_TYPES: MetricType[] = ["cpu", "memory", "disk", "network"];

export interface MetricSample {
  kind: "metric_sample";
  id: string;
  cluster_id: string;
  node_id: string;
  type: MetricType;
  value: number;
  unit: string;
  sampled_at: string;
  source: string;
}

export interface MetricSamplePage {
  metrics: MetricSample[];
  next_page_token?: string;
  meta?: { total: number };
}

export interface HealthIssue {
  node_id: string;
  metric: MetricType;
  value: number;
  threshold: number;
  unit: string;
  severity: "warning" | "critical";
  sampled_at: string;
  message: string;
}

export interface ClusterHealth {
  kind: "cluster_health";
  cluster_id: string;
  status: "healthy" | "warning" | "critical";
  /** Worst first; at most one per node and metric type. */
  issues: HealthIssue[];
  evaluated_at: string;
  /** ISO 8601 duration, e.g. `PT300S`. */
  window: string;
  window_seconds?: number;
}

/** The health thresholds of features.md §2.6, drawn on the charts (network has none). */
export const THRESHOLDS: Record<MetricType, { value: number; severity: "warning" | "critical" } | undefined> = {
  cpu: { value: 80, severity: "warning" },
  memory: { value: 85, severity: "critical" },
  disk: { value: 90, severity: "critical" },
  network: undefined,
};

/** The largest page the API serves (api.md §3). */
const PAGE_SIZE = 200;

export function listMetrics(
  clusterId: string,
  q: { type?: MetricType; since?: string; pageToken?: string; pageSize?: number },
  signal?: AbortSignal,
): Promise<ApiResponse<MetricSamplePage>> {
  const qs = query({ type: q.type, since: q.since, page_size: q.pageSize ?? PAGE_SIZE, page_token: q.pageToken });
  return request<MetricSamplePage>(`/api/v1/clusters/${seg(clusterId)}/metrics${qs}`, { signal });
}

/**
 * Every sample of one type since `since`, following `next_page_token` for at most `maxPages` pages (a chart needs
 * a bounded read, and the newest samples come first, so a cut keeps the recent end). Samples come back oldest first;
 * `complete` is false when the cut left older samples of the window unread.
 */
export async function loadSeries(
  clusterId: string,
  type: MetricType,
  since: string,
  signal?: AbortSignal,
  maxPages = 5,
): Promise<{ samples: MetricSample[]; complete: boolean }> {
  const out: MetricSample[] = [];
  let pageToken: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const res = await listMetrics(clusterId, { type, since, pageToken }, signal);
    out.push(...(res.data?.metrics ?? []));
    pageToken = res.data?.next_page_token;
    if (!pageToken) break;
  }
  return { samples: out.sort((a, b) => a.sampled_at.localeCompare(b.sampled_at)), complete: !pageToken };
}

export function getHealth(clusterId: string, signal?: AbortSignal): Promise<ApiResponse<ClusterHealth>> {
  return request<ClusterHealth>(`/api/v1/clusters/${seg(clusterId)}/health`, { signal });
}

/** Scenario profiles of the simulator's load model. */
export type DemandProfile = "calm" | "spike" | "leak" | "flapping";
export const DEMAND_PROFILES: DemandProfile[] = ["calm", "spike", "leak", "flapping"];

export interface Demand {
  /** 0..100. */
  level: number;
  profile: DemandProfile;
}

/** A cluster as the demand route may show it: the cluster resource plus its `demand` once set. */
export type ClusterWithDemand = Cluster & { demand?: Demand | null };

/** `PUT /clusters/{id}/demand` (IK, If-Match with the cluster's version); 200 with the cluster or the demand. */
export function setDemand(clusterId: string, version: number, demand: Demand): Promise<ApiResponse<unknown>> {
  return request(`/api/v1/clusters/${seg(clusterId)}/demand`, { method: "PUT", body: demand, ifMatch: version });
}
