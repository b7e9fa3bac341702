// Droplet endpoints of /api/v1: list, get, create (optionally on a provider), patch (name, tags), actions (migrate too),
// delete and operation history.
import { query, request, seg, type ApiResponse } from "./client";
import type { Operation, OperationPage } from "./operations";

export type DropletStatus = "new" | "active" | "off" | "deleting" | "deleted" | "error";

export interface Droplet {
  kind: "droplet";
  id: string;
  version: number;
  name: string;
  region: string;
  size_slug: string;
  image: string;
  status: DropletStatus;
  locked: boolean;
  vcpus: number;
  memory_mb: number;
  disk_gb: number;
  networks: { v4: { ip_address: string; type: string }[] };
  tags: string[];
  /** Set when the droplet is a node of a cluster. */
  cluster_id?: string | null;
  node_pool_id?: string | null;
  /** Name of the provider the droplet is placed on (issue 12); absent on servers without providers. */
  provider?: string | null;
  pending_operation_id?: string | null;
  created_at: string;
  updated_at: string;
}

export interface DropletPage {
  droplets: Droplet[];
  next_page_token?: string;
  meta: { total: number };
}

export interface ListQuery {
  status?: string;
  region?: string;
  /** Name prefix; becomes `name="<prefix>*"`. */
  name?: string;
  /** Tag membership; sent as the `tag_name` shortcut. */
  tag?: string;
  pageToken?: string;
  pageSize?: number;
}

export interface CreateDropletInput {
  name: string;
  region: string;
  size: string;
  image: string;
  tags?: string[];
  /** Preferred provider by name; placement picks one when omitted. */
  provider?: string;
  /** Only providers offering this class. */
  provider_class?: string;
}

/** The droplet actions of api.md §11 (DO's names) and the argument each one takes. */
export type DropletAction =
  | { type: "power_on" | "power_off" | "shutdown" | "reboot" | "power_cycle" }
  | { type: "rename"; name: string }
  | { type: "resize"; size: string }
  | { type: "rebuild"; image: string }
  | { type: "snapshot"; name: string }
  | { type: "migrate"; provider: string };

export type ActionType = DropletAction["type"];

export const STATUSES: DropletStatus[] = ["new", "active", "off", "deleting", "deleted", "error"];

/** Actions a droplet in `status` accepts (api.md §12.1); everything else is a 409. */
export function allowedActions(status: DropletStatus): ActionType[] {
  if (status === "active") return ["power_off", "shutdown", "reboot", "power_cycle", "rename", "rebuild", "snapshot", "migrate"];
  if (status === "off") return ["power_on", "resize", "migrate"];
  return [];
}

function quote(value: string): string {
  return `"${value.replace(/["\\]/g, "")}"`;
}

/** Builds the AIP-160 filter, e.g. `status="active" AND region="nyc1" AND name="web*"`. */
export function buildFilter(q: ListQuery): string {
  const parts: string[] = [];
  if (q.status) parts.push(`status=${quote(q.status)}`);
  if (q.region) parts.push(`region=${quote(q.region)}`);
  const name = q.name?.trim().replace(/\*+$/, "");
  if (name) parts.push(`name=${quote(`${name}*`)}`);
  return parts.join(" AND ");
}

export function listDroplets(q: ListQuery, consistencyToken?: string, signal?: AbortSignal): Promise<ApiResponse<DropletPage>> {
  const params = new URLSearchParams();
  params.set("page_size", String(q.pageSize ?? 20));
  if (q.pageToken) params.set("page_token", q.pageToken);
  const filter = buildFilter(q);
  if (filter) params.set("filter", filter);
  if (q.tag?.trim()) params.set("tag_name", q.tag.trim());
  params.set("order_by", "created_at desc");
  return request<DropletPage>(`/api/v1/droplets?${params}`, { consistencyToken, signal });
}

export function getDroplet(id: string, consistencyToken?: string, signal?: AbortSignal): Promise<ApiResponse<Droplet>> {
  return request<Droplet>(`/api/v1/droplets/${seg(id)}`, { consistencyToken, signal });
}

export function createDroplet(input: CreateDropletInput): Promise<ApiResponse<{ droplet: Droplet; operation?: Operation }>> {
  return request(`/api/v1/droplets`, { method: "POST", body: input });
}

/** `PATCH` (merge-patch) of the metadata: name and/or tags; answered 200 with the droplet. */
export function patchDroplet(id: string, version: number, changes: { name?: string; tags?: string[] }): Promise<ApiResponse<Droplet>> {
  return request<Droplet>(`/api/v1/droplets/${seg(id)}`, { method: "PATCH", body: changes, ifMatch: version });
}

/** `POST /droplets/{id}/actions`; `rename` keeps the old `(…, "rename", name)` form. */
export function dropletAction(
  id: string,
  version: number,
  action: DropletAction | ActionType,
  name?: string,
): Promise<ApiResponse<{ operation?: Operation }>> {
  const body: DropletAction = typeof action === "string" ? ({ type: action, ...(name !== undefined ? { name } : {}) } as DropletAction) : action;
  return request(`/api/v1/droplets/${seg(id)}/actions`, { method: "POST", body, ifMatch: version });
}

export function deleteDroplet(id: string, version: number): Promise<ApiResponse<{ operation?: Operation }>> {
  return request(`/api/v1/droplets/${seg(id)}`, { method: "DELETE", ifMatch: version });
}

/** Operation history of one droplet, newest first. */
export function dropletOperations(id: string, signal?: AbortSignal): Promise<ApiResponse<OperationPage>> {
  return request<OperationPage>(`/api/v1/droplets/${seg(id)}/operations${query({ page_size: 20 })}`, { signal });
}
