// /clusters/:id: status, facts, rename/tags (PATCH), delete with If-Match after a confirm, pools & nodes; Metrics (with the
// demo demand control), Health, Autoscaling, Diagnosis, Deployments, Cost, Timeline and Operations tabs; reloaded by live
// events of the cluster and of droplets (its nodes).
import { useSearchParams, useParams, Link } from "react-router";
import { deleteCluster, getCluster, listNodePools, patchCluster, type NodePoolWithNodes } from "../api/clusters";
import { ApiError } from "../api/client";
import type { ClusterWithDemand } from "../api/telemetry";
import { AddPoolForm } from "../components/AddPoolForm";
import { AutoscalingTab } from "../components/AutoscalingTab";
import { ClusterHealthPanel } from "../components/ClusterHealthPanel";
import { ClusterMetrics } from "../components/ClusterMetrics";
import { DemandControl } from "../components/DemandControl";
import { DeploymentsTab } from "../components/DeploymentsTab";
import { DiagnosisTab } from "../components/DiagnosisTab";
import { ClusterCostTab } from "../components/ClusterCostTab";
import { ClusterOperations } from "../components/ClusterOperations";
import { ClusterTimeline } from "../components/ClusterTimeline";
import { NodePoolCard } from "../components/NodePoolCard";
import { PendingOperation } from "../components/PendingOperation";
import { ProblemMessage } from "../components/ProblemMessage";
import { RenameForm } from "../components/RenameForm";
import { StatusPill } from "../components/StatusPill";
import { Tabs } from "../components/Tabs";
import { TagEditor } from "../components/TagEditor";
import { useConfirm } from "../context/confirm";
import { useToast } from "../context/toast";
import { formatTime } from "../format";
import { aggregate, aggregates, FALLBACK_POLL_MS, useResource } from "../hooks/useResource";

const TABS = [
  { id: "overview", label: "Pools & nodes" },
  { id: "metrics", label: "Metrics" },
  { id: "health", label: "Health" },
  { id: "autoscaling", label: "Autoscaling" },
  { id: "diagnosis", label: "Diagnosis" },
  { id: "deployments", label: "Deployments" },
  { id: "cost", label: "Cost" },
  { id: "timeline", label: "Timeline" },
  { id: "operations", label: "Operations" },
] as const;
type Tab = (typeof TABS)[number]["id"];

/** Node and droplet ids → node names, so charts and health name nodes as the pools do. */
function nodeNamesOf(pools: NodePoolWithNodes[]): Record<string, string> {
  const names: Record<string, string> = {};
  for (const n of pools.flatMap((p) => p.nodes ?? [])) {
    names[n.id] = n.name;
    names[n.droplet_id] = n.name;
  }
  return names;
}

export function ClusterDetailPage() {
  const { id = "" } = useParams();
  const [params, setParams] = useSearchParams();
  const tab: Tab = TABS.find((t) => t.id === params.get("tab"))?.id ?? "overview";
  const toast = useToast();
  const confirm = useConfirm();
  const cluster = useResource(async (signal) => (await getCluster(id, signal)).data, [id], { pollMs: FALLBACK_POLL_MS, live: aggregate(id), resetOnChange: true });
  const pools = useResource(async (signal) => (await listNodePools(id, signal)).data, [id], {
    pollMs: FALLBACK_POLL_MS,
    live: aggregates("cluster", "droplet"),
    resetOnChange: true,
  });

  const reloadAll = () => Promise.all([cluster.reload(), pools.reload()]).then(() => undefined);
  const c = cluster.data as ClusterWithDemand | undefined;

  if (!c) {
    return (
      <section className="panel" aria-label="Cluster">
        {cluster.error ? (
          <>
            <ProblemMessage error={cluster.error} onReload={() => cluster.reload()} />
            <p>
              <Link to="/clusters">Back to clusters</Link>
            </p>
          </>
        ) : (
          <p>Loading…</p>
        )}
      </section>
    );
  }

  const frozen = c.status.state === "deleting" || c.status.state === "deleted";
  const poolList = pools.data?.node_pools ?? [];
  const running = poolList.reduce((n, p) => n + (p.node_counts?.running ?? p.nodes.filter((x) => x.status.state === "running").length), 0);
  const desired = poolList.reduce((n, p) => n + p.count, 0);

  async function remove() {
    const ok = await confirm({
      title: `Delete cluster ${c!.name}?`,
      message: `Every node pool and all ${desired} node(s) are destroyed. This cannot be undone.`,
      confirmLabel: "Delete cluster",
      danger: true,
    });
    if (!ok) return;
    try {
      // If-Match is required on this route (428 without it, 412 when someone changed the cluster since it was read).
      await deleteCluster(c!.id, c!.version);
      toast.success(`Deleting cluster ${c!.name}.`);
    } catch (err) {
      toast.error(err instanceof ApiError && err.isStale ? "The cluster changed since it was read — reloaded, try again." : err);
    }
    await reloadAll();
  }

  async function patch(changes: { name?: string; tags?: string[] }, what: string) {
    await patchCluster(c!.id, c!.version, changes);
    toast.success(what);
    await cluster.reload();
  }

  return (
    <div className="page">
      <section className="panel" aria-label="Cluster">
        <header className="panel-header">
          <h2 data-testid="cluster-name">{c.name}</h2>
          <span>
            <StatusPill status={c.status.state} testid="cluster-status" />
            {c.status.message && (
              <span className="muted status-message" data-testid="cluster-status-message">
                {" "}
                {c.status.message}
              </span>
            )}
          </span>
        </header>
        <dl className="facts">
          <dt>ID</dt>
          <dd className="mono">{c.id}</dd>
          <dt>Region</dt>
          <dd>{c.region}</dd>
          <dt>Kubernetes</dt>
          <dd>{c.kube_version}</dd>
          <dt>Nodes</dt>
          <dd>
            <span data-testid="nodes-running">{running}</span> running of {desired} desired, in {poolList.length || c.node_pools.length} pool(s)
          </dd>
          <dt>Tags</dt>
          <dd>
            <TagEditor tags={c.tags ?? []} disabled={frozen} onSave={(tags) => patch({ tags }, `Tags of ${c.name} saved.`)} />
          </dd>
          <dt>Pending operation</dt>
          <dd>{c.pending_operation_id ? <PendingOperation key={c.pending_operation_id} id={c.pending_operation_id} /> : "—"}</dd>
          <dt>Jobs</dt>
          <dd>
            <Link to={`/jobs?cluster_id=${encodeURIComponent(c.id)}`} data-testid="cluster-jobs">
              jobs of this cluster
            </Link>
          </dd>
          <dt>Created / updated</dt>
          <dd>
            {formatTime(c.created_at)} / {formatTime(c.updated_at)}
          </dd>
        </dl>
        {!frozen && (
          <div className="actions">
            <RenameForm current={c.name} onRename={(name) => patch({ name }, `Cluster renamed to ${name}.`)} />
            <button type="button" className="danger" onClick={remove} data-testid="delete-cluster">
              Delete cluster
            </button>
          </div>
        )}
      </section>
      <section className="panel" aria-label="Cluster details">
        <Tabs<Tab>
          label="Cluster"
          tabs={[...TABS]}
          active={tab}
          onChange={(t) =>
            setParams(
              (p) => {
                if (t === "overview") p.delete("tab");
                else p.set("tab", t);
                return p;
              },
              { replace: true },
            )
          }
        />
        {tab === "metrics" && (
          <>
            {!frozen && <DemandControl clusterId={c.id} version={c.version} current={c.demand} onChanged={() => void cluster.reload()} />}
            <ClusterMetrics clusterId={c.id} nodeNames={nodeNamesOf(poolList)} />
          </>
        )}
        {tab === "health" && <ClusterHealthPanel clusterId={c.id} nodeNames={nodeNamesOf(poolList)} />}
        {tab === "autoscaling" && <AutoscalingTab clusterId={c.id} pools={poolList} onPoolsChanged={reloadAll} />}
        {tab === "diagnosis" && <DiagnosisTab clusterId={c.id} />}
        {tab === "deployments" && <DeploymentsTab clusterId={c.id} clusterVersion={c.version} onClusterChanged={() => cluster.reload()} />}
        {tab === "cost" && <ClusterCostTab clusterId={c.id} poolNames={Object.fromEntries(poolList.map((p) => [p.id, p.name]))} />}
        {tab === "timeline" && <ClusterTimeline clusterId={c.id} />}
        {tab === "operations" && <ClusterOperations clusterId={c.id} />}
        {tab === "overview" && (
          <div className="pools">
            <ProblemMessage error={pools.error} />
            {poolList.map((p) => (
              <NodePoolCard key={p.id} clusterId={c.id} pool={p} frozen={frozen} onChanged={reloadAll} />
            ))}
            {!frozen && <AddPoolForm clusterId={c.id} region={c.region} nextIndex={poolList.length} onAdded={reloadAll} />}
          </div>
        )}
      </section>
    </div>
  );
}
