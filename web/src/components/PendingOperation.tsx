// The operation a resource is waiting on (its pending_operation_id): type, status and live progress, reloaded by the events that state facts about it.
import { getOperation } from "../api/operations";
import { FALLBACK_POLL_MS, useResource } from "../hooks/useResource";
import { ProgressBar } from "./ProgressBar";
import { StatusPill } from "./StatusPill";

export function PendingOperation({ id }: { id: string }) {
  const op = useResource(async (signal) => (await getOperation(id, signal)).data, [id], { pollMs: FALLBACK_POLL_MS, live: (e) => !!e.summary.operations?.some((o) => o.id === id) });
  const o = op.data;
  if (!o) return <span className="mono" title={id}>{op.error ? id : "…"}</span>;
  return (
    <span className="pending-op" data-testid="pending-operation">
      <span className="mono">{o.type}</span> <StatusPill status={o.status} />{" "}
      <ProgressBar percent={o.progress?.percent ?? 0} label={o.progress?.message || o.progress?.step || undefined} />
    </span>
  );
}
