// Operations tab of the droplet panel: GET /droplets/{id}/operations, polled while the tab is open.
import { dropletOperations } from "../api/droplets";
import { useResource } from "../hooks/useResource";
import { OperationTable } from "./OperationTable";
import { ProblemMessage } from "./ProblemMessage";

export function DropletOperations({ id }: { id: string }) {
  const ops = useResource(async (signal) => (await dropletOperations(id, signal)).data, [id], { pollMs: 3000 });
  return (
    <div data-testid="droplet-operations">
      <ProblemMessage error={ops.error} />
      {ops.data ? <OperationTable operations={ops.data.operations ?? []} hideTarget onChanged={() => ops.reload()} /> : !ops.error && <p>Loading…</p>}
    </div>
  );
}
