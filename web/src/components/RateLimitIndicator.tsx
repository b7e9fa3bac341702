// Top-bar quota indicator fed by the RateLimit headers of the last API answer: "minute 187/250 · full in 12 s".
import { useSyncExternalStore } from "react";
import { Link } from "react-router";
import { rateLimitSnapshot, subscribeRateLimit } from "../api/rateLimitHeaders";

export function RateLimitIndicator() {
  const s = useSyncExternalStore(subscribeRateLimit, rateLimitSnapshot, rateLimitSnapshot);
  if (!s) return null;
  const low = s.limit ? s.remaining / s.limit <= 0.1 : s.remaining <= 5;
  const title = `Most constraining rate-limit policy${s.policy ? ` "${s.policy}"` : ""}: ${s.remaining} request(s) left${s.limit ? ` of ${s.limit}` : ""}${
    s.window ? ` per ${s.window} s` : ""
  }; full again in ${s.reset} s (as of the last answer).`;
  return (
    <Link to="/rate-limits" className={`badge rate-limit${low ? " low" : ""}`} title={title} data-testid="rate-limit-indicator">
      {s.policy ?? "quota"} {s.remaining}
      {s.limit ? `/${s.limit}` : ""}
      {s.reset ? ` · ${s.reset} s` : ""}
    </Link>
  );
}
