// Fetch wrapper for the ClusterGenie API: bearer token, Idempotency-Key, If-Match, consistency tokens, RFC 9457 problems.
import { noteRateLimit } from "./rateLimitHeaders";

const TOKEN_KEY = "cg.token";

/**
 * Consistency-Token of the last accepted mutation. Reads send it as X-Min-Consistency-Token
 * (read-your-writes, api.md §7) until one read has come back not stale, which proves the read
 * model applied it; every later read then reflects the write anyway.
 */
let pendingConsistency: string | undefined;

export function pendingConsistencyToken(): string | undefined {
  return pendingConsistency;
}

/** Forgets the pending consistency token (tests, sign-out). */
export function resetConsistency(): void {
  pendingConsistency = undefined;
}

/** One field-level problem, pointing into the request body (`#/name`). */
export interface FieldError {
  pointer: string;
  code: string;
  detail: string;
}

/** An `application/problem+json` body as api.md §4 describes it. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  code?: string;
  request_id?: string;
  metadata?: Record<string, unknown>;
  errors?: FieldError[];
  /** Seconds from the `Retry-After` header (429, 503 QUEUE_FULL / UNAVAILABLE, 409 IN_USE), when the answer had one. */
  retry_after?: number;
}

/** Thrown for every non-2xx answer; carries the parsed problem. */
export class ApiError extends Error {
  readonly problem: Problem;

  constructor(problem: Problem) {
    super(problem.detail || problem.title);
    this.name = "ApiError";
    this.problem = problem;
  }

  get status(): number {
    return this.problem.status;
  }

  /** 412: the resource changed since it was read. */
  get isStale(): boolean {
    return this.problem.status === 412;
  }

  /** Field errors keyed by their full pointer without `#/` (`#/node_pools/0/count` → `node_pools/0/count`). */
  fieldErrorsByPointer(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of this.problem.errors ?? []) {
      const key = e.pointer.replace(/^#?\/?/, "");
      out[key] = out[key] ? `${out[key]}; ${e.detail}` : e.detail;
    }
    return out;
  }

  /** Field errors keyed by top-level field name (`#/size` → `size`). */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of this.problem.errors ?? []) {
      const field = e.pointer.replace(/^#?\//, "").split("/")[0];
      out[field] = out[field] ? `${out[field]}; ${e.detail}` : e.detail;
    }
    return out;
  }
}

export function getToken(): string {
  try {
    return localStorage.getItem(TOKEN_KEY) ?? "";
  } catch {
    return "";
  }
}

export function setToken(token: string): void {
  localStorage.setItem(TOKEN_KEY, token.trim());
}

/** A random UUID v4, used as Idempotency-Key. */
export function uuidv4(): string {
  const c = globalThis.crypto;
  if (c && typeof c.randomUUID === "function") return c.randomUUID();
  const b = new Uint8Array(16);
  if (c && typeof c.getRandomValues === "function") c.getRandomValues(b);
  else for (let i = 0; i < 16; i++) b[i] = Math.floor(Math.random() * 256);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export interface RequestOptions {
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  body?: unknown;
  /**
   * Expected aggregate version: a number is sent as a strong ETag (`"7"`); a string is sent as it is
   * (`"*"` means any version, or an ETag exactly as a response gave it).
   */
  ifMatch?: number | string;
  /** Read-your-writes: sent as X-Min-Consistency-Token (defaults to the pending token of the last mutation). */
  consistencyToken?: string;
  /** Body media type; PATCH defaults to application/merge-patch+json, everything else to application/json. */
  contentType?: string;
  signal?: AbortSignal;
}

export interface ApiResponse<T> {
  status: number;
  data: T;
  etag?: string;
  consistencyToken?: string;
  location?: string;
  operationLocation?: string;
}

/** `Retry-After` in seconds (delta-seconds or an HTTP date), or undefined. */
export function retryAfterSeconds(res: Response): number | undefined {
  const raw = res.headers.get("Retry-After");
  if (!raw) return undefined;
  const n = Number(raw);
  if (Number.isFinite(n)) return Math.max(0, Math.ceil(n));
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

/** Turns any failed response into a Problem, even when the body is not problem+json. */
export async function parseProblem(res: Response): Promise<Problem> {
  const text = await res.text().catch(() => "");
  const retry_after = retryAfterSeconds(res);
  let body: Partial<Problem> | undefined;
  try {
    body = text ? (JSON.parse(text) as Partial<Problem>) : undefined;
  } catch {
    body = undefined;
  }
  if (body && typeof body === "object") {
    return {
      type: body.type ?? "about:blank",
      title: body.title ?? (res.statusText || `HTTP ${res.status}`),
      status: typeof body.status === "number" ? body.status : res.status,
      detail: body.detail,
      code: body.code,
      request_id: body.request_id ?? res.headers.get("X-Request-Id") ?? undefined,
      metadata: body.metadata,
      errors: Array.isArray(body.errors) ? body.errors : undefined,
      retry_after,
    };
  }
  return {
    type: "about:blank",
    title: res.statusText || `HTTP ${res.status}`,
    status: res.status,
    detail: text.slice(0, 200) || undefined,
    request_id: res.headers.get("X-Request-Id") ?? undefined,
    retry_after,
  };
}

/** Calls a same-origin `/api/v1/...` path and returns the parsed body plus the headers that matter. */
export async function request<T>(path: string, opts: RequestOptions = {}): Promise<ApiResponse<T>> {
  const method = opts.method ?? "GET";
  const headers: Record<string, string> = { Accept: "application/json" };
  const token = getToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (method !== "GET") headers["Idempotency-Key"] = uuidv4();
  if (opts.ifMatch !== undefined) headers["If-Match"] = typeof opts.ifMatch === "number" ? `"${opts.ifMatch}"` : opts.ifMatch;
  const minToken = method === "GET" ? (opts.consistencyToken ?? pendingConsistency) : undefined;
  if (minToken) headers["X-Min-Consistency-Token"] = minToken;
  if (opts.body !== undefined) {
    headers["Content-Type"] = opts.contentType ?? (method === "PATCH" ? "application/merge-patch+json" : "application/json");
  }

  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: opts.signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === "AbortError") throw err;
    throw new ApiError({ type: "about:blank", title: "Network error", status: 0, detail: "The backend could not be reached." });
  }
  noteRateLimit(res.headers);
  if (!res.ok) throw new ApiError(await parseProblem(res));
  const text = res.status === 204 ? "" : await res.text();
  const consistencyToken = res.headers.get("Consistency-Token") ?? undefined;
  if (method !== "GET" && consistencyToken) pendingConsistency = consistencyToken;
  else if (method === "GET" && minToken && minToken === pendingConsistency && res.headers.get("X-Consistency") !== "stale") {
    pendingConsistency = undefined;
  }
  return {
    status: res.status,
    data: (text ? JSON.parse(text) : undefined) as T,
    etag: res.headers.get("ETag") ?? undefined,
    consistencyToken,
    location: res.headers.get("Location") ?? undefined,
    operationLocation: res.headers.get("Operation-Location") ?? undefined,
  };
}

/** Builds `?a=1&b=2` from the defined, non-empty values (empty string when there are none). */
export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : "";
}

/** Encodes one path segment. */
export function seg(id: string): string {
  return encodeURIComponent(id);
}

/** One line for a toast or a message: the problem's detail (or title), a stale hint for 412. */
export function errorText(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.isStale) return "Changed by someone else — reload.";
    return err.problem.detail || err.problem.title;
  }
  return err instanceof Error ? err.message : String(err);
}
