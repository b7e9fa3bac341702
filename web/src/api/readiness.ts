// Reads /readyz (no auth) for the "backend online" badge.
export interface Readiness {
  status: "ready" | "unavailable";
  checks?: Record<string, unknown>;
}

/** Returns the readiness body; a 503 still carries one, a network failure gives "unavailable". */
export async function fetchReadiness(): Promise<Readiness> {
  try {
    const res = await fetch("/readyz", { headers: { Accept: "application/json" } });
    const body = (await res.json()) as Readiness;
    return body && body.status ? body : { status: res.ok ? "ready" : "unavailable" };
  } catch {
    return { status: "unavailable" };
  }
}
