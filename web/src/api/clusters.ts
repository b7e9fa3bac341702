// Cluster endpoints of /api/v1: clusters, node pools, nodes and the timeline (api.md §11, §12.2).
import { query, request, seg, type ApiResponse } from "./client";
import type { Operation } from "./operations";

export type ClusterState = "provisioning" | "running" | "degraded" | "upgrading" | "deleting" | "deleted" | "error";

/** The states the clusters page shows as cards. */
export const CARD_STATES: ClusterState[] = ["provisioning", "running", "degraded", "error"];

export const MAX_NODES_PER_POOL = 100;

export interface NodePool {
  kind?: "node_pool";
  id: string;
  cluster_id?: string;
  name: string;
  size: string;
  count: number;
  auto_scale: boolean;
  min_nodes?: number;
  max_nodes?: number;
  labels?: Record<string, string>;
  taints?: unknown[];
  tags?: string[];
  status: string;
}

export interface ClusterNode {
  kind: "node";
  id: string;
  name: string;
  droplet_id: string;
  node_pool_id?: string | null;
  status: { state: string };
  ready_at?: string | null;
  created_at?: string;
  updated_at?: string;
}

export interface NodePoolWithNodes extends NodePool {
  nodes: ClusterNode[];
  node_counts: { total: number; running: number; desired: number };
}

export interface Cluster {
  kind: "cluster";
  id: string;
  version: number;
  name: string;
  region: string;
  kube_version: string;
  status: { state: ClusterState; message?: string | null };
  node_pools: NodePool[];
  tags: string[];
  pending_operation_id?: string | null;
  created_at: string;
  updated_at: string;
  delete_time?: string;
}

export interface ClusterPage {
  clusters: Cluster[];
  next_page_token?: string;
  meta: { total: number };
  links?: { next?: string };
}

export interface ClusterEvent {
  kind?: "cluster_event";
  id: string;
  type: string;
  subject: { kind: string; id: string };
  message: string;
  operation_id?: string | null;
  occurred_at: string;
}

export interface PoolSpec {
  name: string;
  size: string;
  count: number;
}

export interface CreateClusterInput {
  name: string;
  region: string;
  node_pools: PoolSpec[];
  tags?: string[];
}

export interface ClusterQuery {
  status?: string;
  /** Substring of the name; sent as `name=*x*` (`*` is the wildcard). */
  search?: string;
  pageToken?: string;
  pageSize?: number;
}

/** `*x*` from a search box value; an explicit `*` in it is kept as typed. */
export function nameWildcard(search: string): string {
  const s = search.trim().replace(/"/g, "");
  if (!s) return "";
  return s.includes("*") ? s : `*${s}*`;
}

export function listClusters(q: ClusterQuery = {}, signal?: AbortSignal): Promise<ApiResponse<ClusterPage>> {
  const qs = query({
    status: q.status,
    name: nameWildcard(q.search ?? ""),
    page_size: q.pageSize ?? 20,
    page_token: q.pageToken,
  });
  return request<ClusterPage>(`/api/v1/clusters${qs}`, { signal });
}

export function getCluster(id: string, signal?: AbortSignal): Promise<ApiResponse<Cluster>> {
  return request<Cluster>(`/api/v1/clusters/${seg(id)}`, { signal });
}

/** 202 `{cluster, operation}` with Location, Operation-Location and Consistency-Token. */
export function createCluster(input: CreateClusterInput): Promise<ApiResponse<{ cluster: Cluster; operation?: Operation }>> {
  return request(`/api/v1/clusters`, { method: "POST", body: input });
}

/** Name and/or tags (merge-patch); 200 with the cluster. */
export function patchCluster(id: string, version: number, changes: { name?: string; tags?: string[] }): Promise<ApiResponse<Cluster>> {
  return request<Cluster>(`/api/v1/clusters/${seg(id)}`, { method: "PATCH", body: changes, ifMatch: version });
}

/** `If-Match` is required here (428 without it, 412 when stale). */
export function deleteCluster(id: string, version: number): Promise<ApiResponse<{ cluster?: Cluster; operation?: Operation }>> {
  return request(`/api/v1/clusters/${seg(id)}`, { method: "DELETE", ifMatch: version });
}

export function listNodePools(clusterId: string, signal?: AbortSignal): Promise<ApiResponse<{ node_pools: NodePoolWithNodes[] }>> {
  return request(`/api/v1/clusters/${seg(clusterId)}/node_pools`, { signal });
}

export function addNodePool(clusterId: string, pool: PoolSpec): Promise<ApiResponse<{ node_pool?: NodePool; operation?: Operation }>> {
  return request(`/api/v1/clusters/${seg(clusterId)}/node_pools`, { method: "POST", body: pool });
}

export function scaleNodePool(clusterId: string, poolId: string, count: number): Promise<ApiResponse<{ node_pool?: NodePool; operation?: Operation }>> {
  return request(`/api/v1/clusters/${seg(clusterId)}/node_pools/${seg(poolId)}`, { method: "PATCH", body: { count } });
}

export function deleteNodePool(clusterId: string, poolId: string): Promise<ApiResponse<{ operation?: Operation }>> {
  return request(`/api/v1/clusters/${seg(clusterId)}/node_pools/${seg(poolId)}`, { method: "DELETE" });
}

/** Removes one node; with `replace` a new node is provisioned in its place. */
export function deleteNode(clusterId: string, poolId: string, nodeId: string, replace = false): Promise<ApiResponse<{ operation?: Operation }>> {
  const path = `/api/v1/clusters/${seg(clusterId)}/node_pools/${seg(poolId)}/nodes/${seg(nodeId)}${query({ replace: replace || undefined })}`;
  return request(path, { method: "DELETE" });
}

/** The cluster timeline, newest first. */
export function listClusterEvents(clusterId: string, signal?: AbortSignal): Promise<ApiResponse<{ events: ClusterEvent[]; next_page_token?: string }>> {
  return request(`/api/v1/clusters/${seg(clusterId)}/events${query({ order_by: "occurred_at desc", page_size: 50 })}`, { signal });
}

/** Count of clusters in `state` (meta.total of a one-row page). */
export async function countClusters(state?: string, signal?: AbortSignal): Promise<number> {
  const res = await request<ClusterPage>(`/api/v1/clusters${query({ status: state, page_size: 1 })}`, { signal });
  return res.data?.meta?.total ?? 0;
}
