// Operations tab of a cluster: GET /operations?filter=target.id="<id>", reloaded by live events of the cluster and its nodes, with Cancel.
import { listOperations } from "../api/operations";
import { aggregates, FALLBACK_POLL_MS, useResource } from "../hooks/useResource";
import { OperationTable } from "./OperationTable";
import { ProblemMessage } from "./ProblemMessage";

export function ClusterOperations({ clusterId }: { clusterId: string }) {
  const ops = useResource(async (signal) => (await listOperations({ targetId: clusterId }, signal)).data, [clusterId], { pollMs: FALLBACK_POLL_MS, live: aggregates("cluster", "droplet") });
  return (
    <div data-testid="cluster-operations">
      <ProblemMessage error={ops.error} />
      {ops.data && <OperationTable operations={ops.data.operations ?? []} hideTarget onChanged={() => ops.reload()} />}
    </div>
  );
}
