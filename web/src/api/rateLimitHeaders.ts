// The RateLimit headers of the last API answer (api.md §8), kept for the top bar's quota indicator.
// `RateLimit: "minute";r=187;t=12` names the most constraining policy; the legacy trio
// (RateLimit-Limit / -Remaining / -Reset, reset in seconds from now) fills in the quota.

export interface RateLimitSnapshot {
  /** Policy name from `RateLimit` (undefined when only the legacy trio came). */
  policy?: string;
  limit?: number;
  remaining: number;
  /** Seconds until the policy is back to its full allowance, as of `at`. */
  reset: number;
  /** Window of the policy, from `RateLimit-Policy`. */
  window?: number;
  /** When the answer came (ms since the epoch). */
  at: number;
}

let current: RateLimitSnapshot | undefined;
const listeners = new Set<() => void>();

function int(raw: string | null | undefined): number | undefined {
  if (raw === null || raw === undefined || raw.trim() === "") return undefined;
  const n = Number(raw.trim());
  return Number.isFinite(n) ? n : undefined;
}

/** Parses the first item of a structured-field list like `"minute";r=187;t=12` into its name and parameters. */
export function parseRateLimitItem(header: string): { name: string; params: Record<string, number> } | undefined {
  const first = header.split(",")[0]?.trim();
  if (!first) return undefined;
  const [rawName, ...rest] = first.split(";");
  const name = rawName.trim().replace(/^"|"$/g, "");
  const params: Record<string, number> = {};
  for (const p of rest) {
    const [k, v] = p.split("=");
    const n = int(v);
    if (k && n !== undefined) params[k.trim()] = n;
  }
  return { name, params };
}

/** Window of `policy` from `RateLimit-Policy: "minute";q=250;w=60, "hour";q=5000;w=3600`. */
function windowOf(policyHeader: string | null, policy: string | undefined): { q?: number; w?: number } {
  if (!policyHeader || !policy) return {};
  for (const item of policyHeader.split(",")) {
    const parsed = parseRateLimitItem(item);
    if (parsed?.name === policy) return { q: parsed.params.q, w: parsed.params.w };
  }
  return {};
}

/** Reads the headers of one response; answers without them leave the last snapshot in place. */
export function noteRateLimit(headers: Headers | undefined): void {
  if (!headers || typeof headers.get !== "function") return;
  const sf = headers.get("RateLimit");
  const item = sf ? parseRateLimitItem(sf) : undefined;
  const remaining = item?.params.r ?? int(headers.get("RateLimit-Remaining"));
  if (remaining === undefined) return;
  const reset = item?.params.t ?? int(headers.get("RateLimit-Reset")) ?? 0;
  const fromPolicy = windowOf(headers.get("RateLimit-Policy"), item?.name);
  current = {
    policy: item?.name,
    limit: int(headers.get("RateLimit-Limit")) ?? fromPolicy.q,
    remaining,
    reset,
    window: fromPolicy.w,
    at: Date.now(),
  };
  listeners.forEach((l) => l());
}

export function rateLimitSnapshot(): RateLimitSnapshot | undefined {
  return current;
}

export function subscribeRateLimit(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Forgets the snapshot (tests, sign-out). */
export function resetRateLimit(): void {
  current = undefined;
  listeners.forEach((l) => l());
}
