// Status cards of the clusters page (provisioning/running/degraded/error + total): counts from meta.total, a click filters the list.
import { CARD_STATES, countClusters } from "../api/clusters";
import { aggregates, FALLBACK_POLL_MS, useResource } from "../hooks/useResource";

interface Props {
  active: string;
  onPick: (state: string) => void;
  /** Bumps when the list reloads so the counts follow. */
  refreshKey?: number;
}

export function ClusterStatusCards({ active, onPick, refreshKey = 0 }: Props) {
  const counts = useResource(
    async (signal) => {
      const states = ["", ...CARD_STATES];
      const values = await Promise.all(states.map((s) => countClusters(s || undefined, signal)));
      return Object.fromEntries(states.map((s, i) => [s, values[i]])) as Record<string, number>;
    },
    [refreshKey],
    { pollMs: FALLBACK_POLL_MS, live: aggregates("cluster") },
  );
  const cards = [{ state: "", label: "total" }, ...CARD_STATES.map((s) => ({ state: s, label: s }))];

  return (
    <div className="cards" role="group" aria-label="Clusters by status">
      {cards.map((c) => (
        <button
          key={c.state || "total"}
          type="button"
          className={`card status-card card-${c.state || "total"}${active === c.state ? " active" : ""}`}
          aria-pressed={active === c.state}
          data-testid={`status-card-${c.state || "total"}`}
          onClick={() => onPick(active === c.state ? "" : c.state)}
        >
          <span className="card-label">{c.label}</span>
          <span className="card-value">{counts.data?.[c.state] ?? "…"}</span>
        </button>
      ))}
    </div>
  );
}
