// Autoscaling policies of node pools (api.md §11, §13.1): every request and response type of the autoscaling API in one
// place, so they can be aligned with the server's final shapes here alone; the §13.1 defaults and the original's three
// templates. Never decides anything: evaluation is the server's (`:evaluate` is its dry run).
import { query, request, seg, type ApiResponse } from "./client";

/** The built-in metric types; any other `type` is a custom metric's name. */
export const BUILTIN_METRICS = ["cpu_utilization", "memory_utilization", "jobs_backlog_per_node"] as const;

export interface PolicyMetric {
  /** `cpu_utilization`, `memory_utilization`, `jobs_backlog_per_node` or a custom metric's name. */
  type: string;
  /** Utilizations are fractions (0.6 = 60 %); the backlog is queued jobs per node. */
  target: number;
}

/** At most `nodes` nodes, or `percent` % of the count at the period's start, within any `period_seconds`. */
export type RateRule = { nodes: number; period_seconds: number } | { percent: number; period_seconds: number };

export type SelectPolicy = "max" | "min" | "disabled";

export interface Direction {
  tolerance: number;
  stabilization_window_seconds: number;
  policies: RateRule[];
  select_policy: SelectPolicy;
}

export interface ScaleDown extends Direction {
  delay_after_scale_up_seconds: number;
  delay_after_failure_seconds: number;
}

export interface Behavior {
  scale_up: Direction;
  scale_down: ScaleDown;
  /** Simple mode; the server clamps it to 300..1200 when set. */
  cooldown_seconds: number | null;
}

export type Weekday = "mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun";
export const WEEKDAYS: Weekday[] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

export interface Schedule {
  /** `HH:MM-HH:MM`, may cross midnight. */
  window: string;
  /** IANA name, e.g. `Europe/Berlin`. */
  timezone: string;
  days?: Weekday[];
  min_nodes?: number;
  max_nodes?: number;
}

/** The editable fields of a policy (§13.1); `target` is set once, on create. */
export interface PolicyFields {
  min_nodes: number;
  max_nodes: number;
  metrics: PolicyMetric[];
  evaluation_interval_seconds: number;
  node_warmup_seconds: number;
  behavior: Behavior;
  schedules: Schedule[];
  /** Decimal string (USD a month), or null for no limit. */
  cost_limit_monthly: string | null;
  enabled: boolean;
}

export interface PolicyTarget {
  cluster_id: string;
  node_pool_id: string;
}

/** `POST /autoscaling_policies` body. */
export interface CreatePolicyInput extends PolicyFields {
  target: PolicyTarget;
}

/** HPA-style condition of `status.conditions` (`AbleToScale`, `ScalingActive`, `ScalingLimited`). */
export interface PolicyCondition {
  type: string;
  /** `True` or `False`, as Kubernetes writes conditions. */
  status: string;
  reason: string;
}

export interface PolicyStatus {
  current_nodes: number;
  desired_nodes: number;
  last_evaluated_at?: string | null;
  last_scale_at?: string | null;
  conditions: PolicyCondition[];
}

/** A policy as the API shows it: every §13.1 field with the defaults filled in, plus `status`. */
export interface AutoscalingPolicy extends PolicyFields {
  kind: "autoscaling_policy";
  id: string;
  version: number;
  target: PolicyTarget;
  status?: PolicyStatus;
  created_at?: string;
  updated_at?: string;
}

export interface PolicyPage {
  autoscaling_policies: AutoscalingPolicy[];
  next_page_token?: string;
  meta?: { total: number };
}

/** One metric's part of a tick. */
export interface MetricRatio {
  type: string;
  target: number;
  /** `mean / target` over usable nodes; null when it could not be computed. */
  ratio: number | null;
  /** The conservative recompute, when one was made. */
  adjusted_ratio?: number | null;
  nodes_without_sample: number;
  /** This metric's proposal; null when it could not be computed. */
  proposal: number | null;
}

/** What one tick decided and why (§13.2 step 10): a decision-log row and the `:evaluate` answer. */
export interface Decision {
  policy_id: string;
  evaluated_at: string;
  /** The pool's count when the tick started. */
  current_count: number;
  /** `C`: usable plus warming nodes. */
  capacity: number;
  metrics: MetricRatio[];
  min_nodes: number;
  max_nodes: number;
  raw: number;
  clamped: number;
  stabilized: number;
  limited: number;
  final: number;
  /** The pool's count after the tick. */
  desired: number;
  /** Why the tick did not act (`ScaleInFlight`, `DelayAfterScaleUp`, …), if it did not. */
  gate: string | null;
  /** `TooManyReplicas`, `ScaleDownStabilized`, `ScaleUpLimit`, … */
  notes: string[];
  action: "scale_up" | "scale_down" | "hold";
  /** One line: what the tick saw and did. */
  reason: string;
}

/** `POST /{id}:evaluate`: the decision a tick would take now, recording and scaling nothing. */
export interface EvaluateResponse {
  decision: Decision;
  /** Whether a real tick would store this decision. */
  would_record: boolean;
  conditions: PolicyCondition[];
}

export interface DecisionPage {
  decisions: Decision[];
  next_page_token?: string;
}

/** One scaling the autoscaler started (DO autoscale-pool history shape). */
export interface ScalingEvent {
  policy_id: string;
  operation_id: string;
  current_count: number;
  desired_count: number;
  /** `SCALE_UP` or `SCALE_DOWN`. */
  reason: string;
  /** `in_progress`, `success` or `error`. */
  status: string;
  started_at: string;
  finished_at?: string | null;
}

export interface ScalingEventPage {
  events: ScalingEvent[];
  next_page_token?: string;
}

/** The §13.1 defaults. */
export function defaultFields(min_nodes = 1, max_nodes = 3): PolicyFields {
  return {
    min_nodes,
    max_nodes,
    metrics: [{ type: "cpu_utilization", target: 0.6 }],
    evaluation_interval_seconds: 15,
    node_warmup_seconds: 60,
    behavior: {
      scale_up: {
        tolerance: 0.1,
        stabilization_window_seconds: 0,
        policies: [
          { nodes: 4, period_seconds: 60 },
          { percent: 100, period_seconds: 60 },
        ],
        select_policy: "max",
      },
      scale_down: {
        tolerance: 0.1,
        stabilization_window_seconds: 300,
        policies: [
          { nodes: 1, period_seconds: 60 },
          { percent: 10, period_seconds: 60 },
        ],
        select_policy: "max",
        delay_after_scale_up_seconds: 600,
        delay_after_failure_seconds: 180,
      },
      cooldown_seconds: null,
    },
    schedules: [],
    cost_limit_monthly: null,
    enabled: true,
  };
}

export interface Template {
  id: "cpu_autoscale" | "business_hours" | "cost_limit";
  label: string;
  fields: PolicyFields;
}

/**
 * The original UI's three templates (features.md §2.7), §13.1 defaults for the rest — the same policies as the
 * server's `domain::autoscale::templates`: "Business hours" allows up to 6 nodes inside 08:00–18:00 and 1 outside.
 */
export function templates(timezone: string): Template[] {
  const businessHours = defaultFields(1, 1);
  businessHours.schedules = [{ window: "08:00-18:00", timezone, min_nodes: 1, max_nodes: 6 }];
  const cpu = defaultFields(1, 5);
  cpu.metrics = [{ type: "cpu_utilization", target: 0.7 }];
  const cost = defaultFields(1, 4);
  cost.cost_limit_monthly = "100.00";
  return [
    { id: "cpu_autoscale", label: "CPU autoscale", fields: cpu },
    { id: "business_hours", label: "Business hours", fields: businessHours },
    { id: "cost_limit", label: "Cost limit", fields: cost },
  ];
}

/** The browser's IANA time zone, for schedule windows (UTC when it cannot be read). */
export function localTimezone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

const BASE = "/api/v1/autoscaling_policies";

/** `201` with the policy; `409 ALREADY_EXISTS` when the pool has one; `422` with `errors[]` pointers. */
export function createPolicy(input: CreatePolicyInput): Promise<ApiResponse<AutoscalingPolicy>> {
  return request<AutoscalingPolicy>(BASE, { method: "POST", body: input });
}

/** The policies of one cluster (`filter=target.cluster_id="…"`). */
export function listPolicies(clusterId: string, signal?: AbortSignal): Promise<ApiResponse<PolicyPage>> {
  const qs = query({ filter: `target.cluster_id="${clusterId.replace(/["\\]/g, "")}"`, page_size: 200 });
  return request<PolicyPage>(`${BASE}${qs}`, { signal });
}

/** Merge-patch (omitted fields stay), If-Match with the version it was read at (`412` when stale). */
export function patchPolicy(id: string, version: number, changes: Partial<PolicyFields>): Promise<ApiResponse<AutoscalingPolicy>> {
  return request<AutoscalingPolicy>(`${BASE}/${seg(id)}`, { method: "PATCH", body: changes, ifMatch: version });
}

/** `204`; If-Match. */
export function deletePolicy(id: string, version: number): Promise<ApiResponse<void>> {
  return request<void>(`${BASE}/${seg(id)}`, { method: "DELETE", ifMatch: version });
}

/** Dry run of one tick with the current metrics: records nothing, scales nothing. */
export async function evaluatePolicy(id: string): Promise<EvaluateResponse> {
  return (await request<EvaluateResponse>(`${BASE}/${seg(id)}:evaluate`, { method: "POST", body: {} })).data;
}

export function listScalingEvents(id: string, signal?: AbortSignal): Promise<ApiResponse<ScalingEventPage>> {
  return request<ScalingEventPage>(`${BASE}/${seg(id)}/events${query({ page_size: 20 })}`, { signal });
}

export function listDecisions(id: string, signal?: AbortSignal): Promise<ApiResponse<DecisionPage>> {
  return request<DecisionPage>(`${BASE}/${seg(id)}/decisions${query({ page_size: 20 })}`, { signal });
}
