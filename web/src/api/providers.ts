// Provider and placement endpoints of /api/v1 (issue 12): list/get, register, merge-patch and delete (admin, If-Match),
// and the placement simulator, which reserves nothing. Never computes capacity itself: `available` is the server's.
import { query, request, seg, type ApiResponse } from "./client";

export interface Provider {
  kind: "provider";
  id: string;
  name: string;
  regions: string[];
  classes: string[];
  /** Droplet slots. */
  capacity: number;
  reserved: number;
  /** capacity − reserved, as served. */
  available: number;
  /** Decimal string in USD per hour, or null for the catalog price. */
  price_hourly_override: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface ProviderPage {
  providers: Provider[];
  next_page_token?: string;
  total_size?: number;
}

export interface ProviderInput {
  name: string;
  regions: string[];
  classes: string[];
  capacity: number;
  price_hourly_override?: string | null;
}

/** The fields a merge-patch may change; `price_hourly_override: null` clears the override. */
export type ProviderChanges = Partial<Omit<ProviderInput, "name">>;

export interface PlacementQuery {
  region?: string;
  class?: string;
  preferred_provider?: string;
  avoid_provider?: string;
}

export interface Placement {
  provider: string;
  region: string;
  reasons: string[];
}

export function listProviders(pageToken?: string, signal?: AbortSignal): Promise<ApiResponse<ProviderPage>> {
  return request<ProviderPage>(`/api/v1/providers${query({ page_size: 100, page_token: pageToken })}`, { signal });
}

export function getProvider(id: string, signal?: AbortSignal): Promise<ApiResponse<Provider>> {
  return request<Provider>(`/api/v1/providers/${seg(id)}`, { signal });
}

export function createProvider(input: ProviderInput): Promise<ApiResponse<Provider>> {
  return request<Provider>(`/api/v1/providers`, { method: "POST", body: input });
}

export function patchProvider(id: string, version: number, changes: ProviderChanges): Promise<ApiResponse<Provider>> {
  return request<Provider>(`/api/v1/providers/${seg(id)}`, { method: "PATCH", body: changes, ifMatch: version });
}

export function deleteProvider(id: string, version: number): Promise<ApiResponse<void>> {
  return request<void>(`/api/v1/providers/${seg(id)}`, { method: "DELETE", ifMatch: version });
}

/** Where a droplet would go now; a read in effect (POST only because it takes a body), so nothing is reserved. */
export function simulatePlacement(q: PlacementQuery): Promise<ApiResponse<Placement>> {
  const body = Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined && v !== ""));
  return request<Placement>(`/api/v1/placements:simulate`, { method: "POST", body });
}
