// Operations tab of the droplet panel: GET /droplets/{id}/operations, reloaded by the droplet's live events.
import { dropletOperations } from "../api/droplets";
import { aggregate, FALLBACK_POLL_MS, useResource } from "../hooks/useResource";
import { OperationTable } from "./OperationTable";
import { ProblemMessage } from "./ProblemMessage";

export function DropletOperations({ id }: { id: string }) {
  const ops = useResource(async (signal) => (await dropletOperations(id, signal)).data, [id], { pollMs: FALLBACK_POLL_MS, live: aggregate(id) });
  return (
    <div data-testid="droplet-operations">
      <ProblemMessage error={ops.error} />
      {ops.data ? <OperationTable operations={ops.data.operations ?? []} hideTarget onChanged={() => ops.reload()} /> : !ops.error && <p>Loading…</p>}
    </div>
  );
}
