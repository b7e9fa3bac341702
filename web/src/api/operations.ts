// Operation endpoints of /api/v1 (api.md §9): list with status/type/target filters, get, and best-effort cancel.
import { query, request, seg, type ApiResponse, type Problem } from "./client";

export type OperationStatus = "pending" | "running" | "succeeded" | "failed" | "cancelled";

export const OPERATION_STATUSES: OperationStatus[] = ["pending", "running", "succeeded", "failed", "cancelled"];

/** Operation types the services emit; offered as suggestions in the type filter. */
export const OPERATION_TYPES = [
  "droplet.create",
  "droplet.delete",
  "droplet.power_on",
  "droplet.power_off",
  "droplet.shutdown",
  "droplet.reboot",
  "droplet.power_cycle",
  "droplet.rename",
  "droplet.resize",
  "droplet.rebuild",
  "droplet.snapshot",
  "cluster.create",
  "cluster.delete",
  "node_pool.create",
  "node_pool.scale",
  "node_pool.update",
  "node_pool.delete",
  "node.delete",
  "node.replace",
];

export interface Operation {
  kind: "operation";
  id: string;
  version: number;
  type: string;
  target: { kind: string; id: string };
  status: OperationStatus;
  done: boolean;
  cancel_requested: boolean;
  progress?: { percent?: number; step?: string | null; message?: string | null; steps_total?: number; steps_done?: number };
  error?: Problem;
  result?: unknown;
  requested_by?: string;
  created_at: string;
  started_at?: string | null;
  completed_at?: string | null;
}

export interface OperationPage {
  operations: Operation[];
  next_page_token?: string;
  meta?: { total: number };
}

export interface OperationQuery {
  status?: string;
  type?: string;
  /** Only operations on this resource: `filter=target.id="<id>"`. */
  targetId?: string;
  pageToken?: string;
  pageSize?: number;
}

/** True while the operation can still be cancelled (not done, no cancel asked for yet). */
export function cancellable(op: Operation): boolean {
  return !op.done && !op.cancel_requested && (op.status === "pending" || op.status === "running");
}

export function listOperations(q: OperationQuery = {}, signal?: AbortSignal): Promise<ApiResponse<OperationPage>> {
  const qs = query({
    status: q.status,
    type: q.type?.trim(),
    filter: q.targetId ? `target.id="${q.targetId.replace(/["\\]/g, "")}"` : undefined,
    page_size: q.pageSize ?? 20,
    page_token: q.pageToken,
  });
  return request<OperationPage>(`/api/v1/operations${qs}`, { signal });
}

export function getOperation(id: string, signal?: AbortSignal): Promise<ApiResponse<Operation>> {
  return request<Operation>(`/api/v1/operations/${seg(id)}`, { signal });
}

/** `POST /operations/{id}:cancel`: 200, or 409 FAILED_PRECONDITION when the operation is no longer in progress. */
export function cancelOperation(id: string): Promise<ApiResponse<Partial<Operation>>> {
  return request(`/api/v1/operations/${seg(id)}:cancel`, { method: "POST" });
}
