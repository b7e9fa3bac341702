// Autoscaling tab of a cluster: one section per node pool with its policy (GET /autoscaling_policies?filter=
// target.cluster_id="…"), reloaded when a policy changes and every 15 s while visible. A 404 from the policy routes
// (a server without the autoscaler) is shown as such rather than as an error.
import { listPolicies } from "../api/autoscaling";
import { ApiError } from "../api/client";
import type { NodePoolWithNodes } from "../api/clusters";
import { useResource } from "../hooks/useResource";
import { AutoscalingPoolPolicy, POLICY_REFRESH_MS } from "./AutoscalingPoolPolicy";
import { ProblemMessage } from "./ProblemMessage";

interface Props {
  clusterId: string;
  pools: NodePoolWithNodes[];
  /** Reload the pools too: a policy sets the pool's auto_scale, min and max. */
  onPoolsChanged: () => Promise<void>;
}

export function AutoscalingTab({ clusterId, pools, onPoolsChanged }: Props) {
  const policies = useResource(async (signal) => (await listPolicies(clusterId, signal)).data, [clusterId], { pollMs: POLICY_REFRESH_MS });
  const unavailable = policies.error instanceof ApiError && policies.error.status === 404;
  const byPool = new Map((policies.data?.autoscaling_policies ?? []).map((p) => [p.target.node_pool_id, p]));
  const changed = async () => {
    await Promise.all([policies.reload(), onPoolsChanged()]);
  };
  return (
    <div className="pools" data-testid="cluster-autoscaling">
      {unavailable ? (
        <p className="muted" data-testid="autoscaling-unavailable">
          This server does not offer autoscaling policies yet.
        </p>
      ) : (
        <ProblemMessage error={policies.error} onReload={() => policies.reload()} />
      )}
      {policies.data && pools.length === 0 && <p className="muted">This cluster has no node pools.</p>}
      {policies.data && pools.map((pool) => <AutoscalingPoolPolicy key={pool.id} clusterId={clusterId} pool={pool} policy={byPool.get(pool.id)} onChanged={changed} />)}
    </div>
  );
}
