// The audit feed (`GET /api/v1/events`) and its live SSE stream (`GET /api/v1/events:stream`), read with a streamed
// fetch so the bearer token goes along; `Last-Event-ID` resumes exactly after the last event seen.
import { ApiError, getToken, parseProblem, query, request, type ApiResponse } from "./client";
import { sseParser } from "./jobs";

export interface AuditEvent {
  kind: "event";
  id: string;
  type: string;
  schema_version: number;
  aggregate: { kind: string; id: string };
  aggregate_version: number;
  command: string;
  principal: string;
  owner: string;
  correlation_id: string;
  partition: number;
  offset: number;
  position: string;
  recorded_at: string;
  summary: { message?: string; operations?: { id: string; change: string; [k: string]: unknown }[]; [k: string]: unknown };
}

export interface AuditEventPage {
  events: AuditEvent[];
  next_page_token?: string;
  meta: { total: number };
}

export interface EventFilter {
  aggregateType?: string;
  aggregateId?: string;
  type?: string;
  pageToken?: string;
  pageSize?: number;
}

export function listEvents(f: EventFilter = {}, signal?: AbortSignal): Promise<ApiResponse<AuditEventPage>> {
  const q = query({
    aggregate_type: f.aggregateType?.trim(),
    aggregate_id: f.aggregateId?.trim(),
    type: f.type?.trim(),
    page_size: f.pageSize ?? 20,
    page_token: f.pageToken,
  });
  return request(`/api/v1/events${q}`, { signal });
}

export interface StreamHandlers {
  /** The stream is open; `cursor` is where it starts. */
  onReady: (cursor: string) => void;
  /** One event, with the cursor after it (the next `Last-Event-ID`). */
  onEvent: (event: AuditEvent, cursor: string) => void;
  /** The client fell too far behind; it must reconnect from `cursor`. */
  onOverflow: (cursor: string) => void;
}

/** Reads `/events:stream` until it ends (resolves after `overflow`) or breaks (throws; status 0 = network). */
export async function streamEvents(lastEventId: string | undefined, handlers: StreamHandlers, signal: AbortSignal): Promise<void> {
  const headers: Record<string, string> = { Accept: "text/event-stream" };
  const token = getToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (lastEventId) headers["Last-Event-ID"] = lastEventId;
  let res: Response;
  try {
    res = await fetch("/api/v1/events:stream", { headers, signal });
  } catch (err) {
    if (err instanceof DOMException && err.name === "AbortError") throw err;
    throw new ApiError({ type: "about:blank", title: "Network error", status: 0, detail: "The event stream could not be reached." });
  }
  if (!res.ok) throw new ApiError(await parseProblem(res));
  if (!res.body || !(res.headers.get("Content-Type") ?? "").includes("text/event-stream")) {
    throw new ApiError({ type: "about:blank", title: "No event stream", status: res.status, detail: "the event stream is not available" });
  }
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  const parse = sseParser();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    for (const ev of parse(decoder.decode(value, { stream: true }))) {
      const cursor = ev.id ?? "";
      if (ev.event === "ready") handlers.onReady(cursor);
      else if (ev.event === "audit") handlers.onEvent(JSON.parse(ev.data) as AuditEvent, cursor);
      else if (ev.event === "overflow") {
        handlers.onOverflow(cursor);
        void reader.cancel().catch(() => undefined);
        return;
      }
    }
  }
  throw new ApiError({ type: "about:blank", title: "Stream closed", status: 0, detail: "the event stream closed" });
}
