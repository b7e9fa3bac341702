// Whether the signed-in caller is an admin, for showing admin-only UI (api.md §2 Identity). The API has no "who am I"
// route, so this asks one cheap admin-only read once per token; only a 403 hides admin UI — any other failure leaves it
// shown, and the server still refuses what the role may not do.
import { ApiError, request } from "./client";

let probe: Promise<boolean> | undefined;

/** True unless an admin-only read answered 403 PERMISSION_DENIED; cached until `forgetRole()`. */
export function callerIsAdmin(): Promise<boolean> {
  probe ??= request(`/api/v1/rate_limit_policies?page_size=1`).then(
    () => true,
    (err: unknown) => !(err instanceof ApiError && err.status === 403),
  );
  return probe;
}

/** Forgets the cached answer (token change, tests). */
export function forgetRole(): void {
  probe = undefined;
}
