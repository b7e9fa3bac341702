// Rate-limit endpoints of /api/v1 (api.md §8, §11): the caller's live limits, and (admin) the default policy document and
// per-user overrides, whose PUTs require If-Match (428 without, 412 when stale).
import { query, request, seg, type ApiResponse } from "./client";

export type AppliesTo = "all" | "reads" | "mutations";
export type LimitKey = "user" | "cluster" | "global";

export interface RateLimitRule {
  name: string;
  quota: number;
  window_seconds: number;
  /** Left out: quota − 1. */
  burst?: number;
  applies_to: AppliesTo;
  cost_per_request: number;
  key: LimitKey;
  routes: string[];
}

export interface RateLimitPolicy {
  kind: "rate_limit_policy";
  /** `default`, or the user id of an override. */
  id: string;
  version: number;
  user_id?: string;
  policies: RateLimitRule[];
}

export interface RateLimitState {
  name: string;
  quota: number;
  window_seconds: number;
  burst: number;
  key: LimitKey;
  remaining: number;
  reset_seconds: number;
}

export interface RateLimitStatus {
  kind: "rate_limit";
  user_id: string;
  cluster_id?: string;
  /** `redis`, or `fallback` while Redis is unreachable. */
  source: string;
  policy_version: number;
  policies: RateLimitState[];
}

export interface RateLimitPolicyPage {
  rate_limit_policies: RateLimitPolicy[];
  next_page_token?: string;
  meta?: { total: number };
}

/** A policy document and the ETag to send back in If-Match. */
export interface PolicyDoc {
  policy: RateLimitPolicy;
  etag: string;
}

function withEtag(res: ApiResponse<RateLimitPolicy>): PolicyDoc {
  return { policy: res.data, etag: res.etag ?? `"${res.data.version}"` };
}

/** The caller's limits (consumes nothing). Admins may ask about another user or a cluster. */
export function getMyLimits(opts: { userId?: string; clusterId?: string } = {}, signal?: AbortSignal): Promise<ApiResponse<RateLimitStatus>> {
  return request<RateLimitStatus>(`/api/v1/rate_limit${query({ user_id: opts.userId, cluster_id: opts.clusterId })}`, { signal });
}

export function listPolicies(pageToken?: string, signal?: AbortSignal): Promise<ApiResponse<RateLimitPolicyPage>> {
  return request<RateLimitPolicyPage>(`/api/v1/rate_limit_policies${query({ page_size: 50, page_token: pageToken })}`, { signal });
}

export async function getDefaultPolicy(signal?: AbortSignal): Promise<PolicyDoc> {
  return withEtag(await request<RateLimitPolicy>(`/api/v1/rate_limit_policies/default`, { signal }));
}

export async function putDefaultPolicy(policies: RateLimitRule[], etag: string): Promise<PolicyDoc> {
  return withEtag(await request<RateLimitPolicy>(`/api/v1/rate_limit_policies/default`, { method: "PUT", body: { policies }, ifMatch: etag }));
}

/** 404 when the user has no override. */
export async function getUserPolicy(userId: string, signal?: AbortSignal): Promise<PolicyDoc> {
  return withEtag(await request<RateLimitPolicy>(`/api/v1/users/${seg(userId)}/rate_limit_policy`, { signal }));
}

/** `etag` is `*` for a new override. */
export async function putUserPolicy(userId: string, policies: RateLimitRule[], etag: string): Promise<PolicyDoc> {
  return withEtag(await request<RateLimitPolicy>(`/api/v1/users/${seg(userId)}/rate_limit_policy`, { method: "PUT", body: { policies }, ifMatch: etag }));
}

export function deleteUserPolicy(userId: string, etag?: string): Promise<ApiResponse<void>> {
  return request<void>(`/api/v1/users/${seg(userId)}/rate_limit_policy`, { method: "DELETE", ifMatch: etag });
}
