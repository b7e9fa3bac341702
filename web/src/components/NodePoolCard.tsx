// One node pool on the cluster page: size, desired/running counts, scale (PATCH count), delete pool, and its nodes with remove/replace.
import { useEffect, useState, type FormEvent } from "react";
import { Link } from "react-router";
import { deleteNode, deleteNodePool, MAX_NODES_PER_POOL, scaleNodePool, type ClusterNode, type NodePoolWithNodes } from "../api/clusters";
import { useConfirm } from "../context/confirm";
import { useToast } from "../context/toast";
import { formatTime } from "../format";
import { StatusPill } from "./StatusPill";

interface Props {
  clusterId: string;
  pool: NodePoolWithNodes;
  /** The cluster is being deleted or gone: no more changes. */
  frozen: boolean;
  /** Called after an accepted change so the page reloads. */
  onChanged: () => void;
}

export function NodePoolCard({ clusterId, pool, frozen, onChanged }: Props) {
  const toast = useToast();
  const confirm = useConfirm();
  const [count, setCount] = useState<number>(pool.count);
  const [busy, setBusy] = useState(false);
  // Follow the desired count when it changes elsewhere (another tab, the autoscaler, an accepted scale).
  useEffect(() => setCount(pool.count), [pool.count]);
  const counts = pool.node_counts ?? { total: pool.nodes?.length ?? 0, running: 0, desired: pool.count };

  async function run(ok: string, command: () => Promise<unknown>) {
    setBusy(true);
    try {
      await command();
      toast.success(ok);
      onChanged();
    } catch (err) {
      toast.error(err);
    } finally {
      setBusy(false);
    }
  }

  function scale(e: FormEvent) {
    e.preventDefault();
    void run(`Scaling ${pool.name} to ${count}.`, () => scaleNodePool(clusterId, pool.id, count));
  }

  async function removePool() {
    const ok = await confirm({
      title: `Delete node pool ${pool.name}?`,
      message: `Its ${counts.total} node(s) are drained and destroyed.`,
      confirmLabel: "Delete pool",
      danger: true,
    });
    if (ok) await run(`Deleting node pool ${pool.name}.`, () => deleteNodePool(clusterId, pool.id));
  }

  async function removeNode(node: ClusterNode, replace: boolean) {
    const ok = await confirm({
      title: replace ? `Replace node ${node.name}?` : `Remove node ${node.name}?`,
      message: replace
        ? "The node is drained and destroyed, and a new node is provisioned in its place."
        : "The node is drained and destroyed; the pool's count goes down by one.",
      confirmLabel: replace ? "Replace" : "Remove",
      danger: true,
    });
    if (ok) await run(`${replace ? "Replacing" : "Removing"} node ${node.name}.`, () => deleteNode(clusterId, pool.id, node.id, replace));
  }

  const countValid = Number.isInteger(count) && count >= 1 && count <= MAX_NODES_PER_POOL;
  return (
    <section className="pool" data-testid="node-pool" data-pool-name={pool.name} aria-label={`Node pool ${pool.name}`}>
      <header className="panel-header">
        <h3>
          {pool.name} <span className="muted">{pool.size}</span>
        </h3>
        <StatusPill status={pool.status} />
        <span className="muted" data-testid="pool-counts">
          {counts.running}/{counts.desired} running{counts.total !== counts.running ? ` (${counts.total} nodes)` : ""}
        </span>
      </header>
      {!frozen && (
        <div className="pool-actions">
          {pool.auto_scale ? (
            <span className="muted" data-testid="pool-count-readonly" title="An autoscaling policy owns this pool's count (edit it in the Autoscaling tab).">
              {pool.count} node(s), set by the autoscaler ({pool.min_nodes}–{pool.max_nodes})
            </span>
          ) : (
            <form className="inline-form" onSubmit={scale}>
              <input
                type="number"
                min={1}
                max={MAX_NODES_PER_POOL}
                aria-label={`Node count of ${pool.name}`}
                value={Number.isNaN(count) ? "" : count}
                onChange={(e) => setCount(e.target.valueAsNumber)}
                data-testid="pool-scale-input"
              />
              <button type="submit" disabled={busy || !countValid || count === pool.count} data-testid="pool-scale-submit">
                Scale
              </button>
            </form>
          )}
          <button type="button" className="danger small" disabled={busy} onClick={removePool} data-testid="pool-delete">
            Delete pool
          </button>
        </div>
      )}
      <table className="nodes">
        <thead>
          <tr>
            <th>Node</th>
            <th>State</th>
            <th>Ready since</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(pool.nodes ?? []).map((n) => (
            <tr key={n.id} data-testid="node-row" data-state={n.status.state}>
              <td>
                <Link to={`/droplets?selected=${encodeURIComponent(n.droplet_id)}`}>{n.name}</Link>
              </td>
              <td>
                <StatusPill status={n.status.state} testid="node-state" />
              </td>
              <td>{formatTime(n.ready_at)}</td>
              <td className="row-actions">
                {!frozen && (n.status.state === "running" || n.status.state === "failed") && (
                  <>
                    <button type="button" className="small" disabled={busy} onClick={() => removeNode(n, true)}>
                      Replace
                    </button>
                    <button type="button" className="small danger" disabled={busy} onClick={() => removeNode(n, false)}>
                      Remove
                    </button>
                  </>
                )}
              </td>
            </tr>
          ))}
          {(pool.nodes ?? []).length === 0 && (
            <tr>
              <td colSpan={4} className="empty">
                No nodes yet.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </section>
  );
}
