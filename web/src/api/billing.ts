// Billing endpoints of /api/v1 (api.md §14, issue 12): balance, usage per period, invoices with items, a cluster's cost and
// the estimates calculator. Money is a decimal string as served and is never re-computed here in floating point.
import { query, request, seg, type ApiResponse } from "./client";

/** USD decimal string, e.g. "5.00" or "0.008929". */
export type Money = string;

export interface Balance {
  month_to_date_usage: Money;
  month_to_date_balance: Money;
  account_balance: Money;
  generated_at: string;
}

export interface UsageRecord {
  resource_id: string;
  resource_kind: "droplet";
  name: string;
  size: string;
  region: string;
  provider: string | null;
  cluster_id: string | null;
  start_time: string;
  /** null while the resource still runs. */
  end_time: string | null;
  billable_seconds: number;
  amount: Money;
  capped: boolean;
}

export interface UsagePage {
  usage: UsageRecord[];
  next_page_token?: string;
}

export interface Invoice {
  id: string;
  period: string;
  status: "open" | "issued";
  amount: Money;
  created_at: string;
}

export interface InvoiceItem {
  resource_id: string;
  description: string;
  size: string;
  duration: number;
  duration_unit: "seconds" | "hours";
  start_time: string;
  end_time: string | null;
  amount: Money;
  capped: boolean;
}

export interface InvoiceDetail extends Invoice {
  items: InvoiceItem[];
}

export interface InvoicePage {
  invoices: Invoice[];
  next_page_token?: string;
}

export interface EstimateItemInput {
  kind: "droplet";
  size: string;
  count: number;
  hours?: number;
}

export interface EstimateItem {
  kind: "droplet";
  size: string;
  count: number;
  hours: number;
  unit_hourly: Money;
  unit_monthly: Money;
  amount: Money;
  capped: boolean;
}

export interface Estimate {
  hourly_total: Money;
  monthly_total: Money;
  items: EstimateItem[];
  assumptions: string[];
}

export interface ResourceCost {
  resource_id: string;
  name: string;
  size: string;
  node_pool_id: string | null;
  month_to_date: Money;
  burn_rate_hourly: Money;
  projected_month_end: Money;
  capped: boolean;
}

export interface ClusterCost {
  cluster_id: string;
  month_to_date: Money;
  projected_month_end: Money;
  burn_rate_hourly: Money;
  as_of: string;
  resources: ResourceCost[];
}

export function getBalance(signal?: AbortSignal): Promise<ApiResponse<Balance>> {
  return request<Balance>(`/api/v1/billing/balance`, { signal });
}

/** Usage records of `period` ("YYYY-MM"; the server's current month when omitted). */
export function listUsage(period: string | undefined, pageToken?: string, signal?: AbortSignal): Promise<ApiResponse<UsagePage>> {
  return request<UsagePage>(`/api/v1/billing/usage${query({ period, page_token: pageToken })}`, { signal });
}

export function listInvoices(pageToken?: string, signal?: AbortSignal): Promise<ApiResponse<InvoicePage>> {
  return request<InvoicePage>(`/api/v1/billing/invoices${query({ page_token: pageToken })}`, { signal });
}

export function getInvoice(id: string, signal?: AbortSignal): Promise<ApiResponse<InvoiceDetail>> {
  return request<InvoiceDetail>(`/api/v1/billing/invoices/${seg(id)}`, { signal });
}

export function estimate(items: EstimateItemInput[]): Promise<ApiResponse<Estimate>> {
  return request<Estimate>(`/api/v1/billing/estimates`, { method: "POST", body: { items } });
}

export function getClusterCost(clusterId: string, signal?: AbortSignal): Promise<ApiResponse<ClusterCost>> {
  return request<ClusterCost>(`/api/v1/clusters/${seg(clusterId)}/cost`, { signal });
}

/** "$5.00" from "5.00": the served string verbatim behind the currency sign. */
export function usd(amount: Money | null | undefined): string {
  return amount === null || amount === undefined || amount === "" ? "—" : `$${amount}`;
}

/** The current month as "YYYY-MM" in UTC (billing periods are UTC months). */
export function currentPeriod(now = new Date()): string {
  return now.toISOString().slice(0, 7);
}
