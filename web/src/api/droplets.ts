// Droplet endpoints of /api/v1 (list, get, create, actions, delete) and the static catalog the forms offer.
import { request, type ApiResponse } from "./client";

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
  pageToken?: string;
  pageSize?: number;
}

export interface CreateDropletInput {
  name: string;
  region: string;
  size: string;
  image: string;
  tags?: string[];
}

export type ActionType = "power_on" | "power_off" | "reboot" | "rename";

export const REGIONS = ["nyc1", "sfo3", "ams3", "fra1", "lon1", "sgp1"] as const;
export const SIZES = ["s-1vcpu-1gb", "s-1vcpu-2gb", "s-2vcpu-2gb", "s-2vcpu-4gb", "s-4vcpu-8gb", "c-8vcpu-16gb"] as const;
export const IMAGES = ["ubuntu-24-04-x64", "ubuntu-22-04-x64", "debian-12-x64", "fedora-40-x64"] as const;
export const STATUSES: DropletStatus[] = ["new", "active", "off", "deleting", "deleted", "error"];

const CPU_OPTIMIZED_REGIONS = ["nyc1", "sfo3", "fra1"];

/** Sizes offered in a region (c-8vcpu-16gb only in nyc1, sfo3 and fra1). */
export function sizesForRegion(region: string): string[] {
  return SIZES.filter((s) => !s.startsWith("c-") || CPU_OPTIMIZED_REGIONS.includes(region));
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
  params.set("order_by", "created_at desc");
  return request<DropletPage>(`/api/v1/droplets?${params}`, { consistencyToken, signal });
}

export function getDroplet(id: string, consistencyToken?: string): Promise<ApiResponse<Droplet>> {
  return request<Droplet>(`/api/v1/droplets/${encodeURIComponent(id)}`, { consistencyToken });
}

export function createDroplet(input: CreateDropletInput): Promise<ApiResponse<{ droplet: Droplet }>> {
  return request(`/api/v1/droplets`, { method: "POST", body: input });
}

export function dropletAction(id: string, version: number, type: ActionType, name?: string): Promise<ApiResponse<unknown>> {
  const body = type === "rename" ? { type, name } : { type };
  return request(`/api/v1/droplets/${encodeURIComponent(id)}/actions`, { method: "POST", body, ifMatch: version });
}

export function deleteDroplet(id: string, version: number): Promise<ApiResponse<unknown>> {
  return request(`/api/v1/droplets/${encodeURIComponent(id)}`, { method: "DELETE", ifMatch: version });
}
