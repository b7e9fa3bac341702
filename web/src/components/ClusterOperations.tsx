// Operations tab of a cluster: GET /operations?filter=target.id="<id>", polled while open, with Cancel.
import { listOperations } from "../api/operations";
import { useResource } from "../hooks/useResource";
import { OperationTable } from "./OperationTable";
import { ProblemMessage } from "./ProblemMessage";

export function ClusterOperations({ clusterId }: { clusterId: string }) {
  const ops = useResource(async (signal) => (await listOperations({ targetId: clusterId }, signal)).data, [clusterId], { pollMs: 2500 });
  return (
    <div data-testid="cluster-operations">
      <ProblemMessage error={ops.error} />
      {ops.data && <OperationTable operations={ops.data.operations ?? []} hideTarget onChanged={() => ops.reload()} />}
    </div>
  );
}
