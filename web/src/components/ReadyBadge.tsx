// "Backend online" badge fed by GET /readyz every 10 seconds.
import { useEffect, useState } from "react";
import { fetchReadiness } from "../api/readiness";

export function ReadyBadge() {
  const [state, setState] = useState<"unknown" | "ready" | "unavailable">("unknown");

  useEffect(() => {
    let alive = true;
    const check = () => fetchReadiness().then((r) => alive && setState(r.status));
    check();
    const timer = setInterval(check, 10_000);
    return () => {
      alive = false;
      clearInterval(timer);
    };
  }, []);

  const label = state === "ready" ? "backend online" : state === "unavailable" ? "backend unavailable" : "checking…";
  return <span className={`badge ready-${state}`}>{label}</span>;
}
