// Detail panel for one droplet: facts, tags (PATCH), actions, delete via the confirm dialog, and an Operations tab.
import { useState } from "react";
import { Link } from "react-router";
import { deleteDroplet, dropletAction, getDroplet, patchDroplet, type DropletAction } from "../api/droplets";
import { useConfirm } from "../context/confirm";
import { useToast } from "../context/toast";
import { formatTime, shortId } from "../format";
import { aggregate, FALLBACK_POLL_MS, useResource } from "../hooks/useResource";
import { DropletActions } from "./DropletActions";
import { DropletOperations } from "./DropletOperations";
import { ProblemMessage } from "./ProblemMessage";
import { StatusPill } from "./StatusPill";
import { Tabs } from "./Tabs";
import { TagEditor } from "./TagEditor";

interface Props {
  id: string;
  /** Called after an accepted command with its consistency token. */
  onChanged: (consistencyToken?: string) => void;
}

type Tab = "details" | "operations";

export function DropletDetail({ id, onChanged }: Props) {
  const toast = useToast();
  const confirm = useConfirm();
  const [tab, setTab] = useState<Tab>("details");
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<unknown>(null);
  // Right after a create or command the client sends the pending Consistency-Token itself.
  const res = useResource(async (signal) => (await getDroplet(id, undefined, signal)).data, [id], { pollMs: FALLBACK_POLL_MS, live: aggregate(id) });

  async function run(label: string, command: () => Promise<{ consistencyToken?: string }>) {
    setBusy(true);
    setActionError(null);
    try {
      const r = await command();
      toast.success(label);
      await res.reload();
      onChanged(r.consistencyToken);
    } catch (err) {
      setActionError(err);
      toast.error(err);
    } finally {
      setBusy(false);
    }
  }

  const d = res.data;
  if (!d) {
    return (
      <section className="panel detail" aria-label="Droplet detail">
        {res.error ? <ProblemMessage error={res.error} onReload={() => res.reload()} /> : <p>Loading…</p>}
      </section>
    );
  }

  const gone = d.status === "deleting" || d.status === "deleted";
  const isNode = !!d.cluster_id;

  const act = (action: DropletAction) => run(`${action.type.replace("_", " ")} accepted for ${d.name}.`, () => dropletAction(d.id, d.version, action));

  async function remove() {
    const ok = await confirm({
      title: `Delete droplet ${d!.name}?`,
      message: "The droplet is destroyed and billing stops. This cannot be undone.",
      confirmLabel: "Delete",
      danger: true,
    });
    if (ok) await run(`Deleting ${d!.name}.`, () => deleteDroplet(d!.id, d!.version));
  }

  async function saveTags(tags: string[]) {
    const r = await patchDroplet(d!.id, d!.version, { tags });
    toast.success(`Tags of ${d!.name} saved.`);
    await res.reload();
    onChanged(r.consistencyToken);
  }

  return (
    <section className="panel detail" aria-label="Droplet detail" data-testid="droplet-detail">
      <header className="panel-header">
        <h2>{d.name}</h2>
        <StatusPill status={d.status} locked={d.locked} />
      </header>
      <Tabs<Tab>
        label="Droplet"
        tabs={[
          { id: "details", label: "Details" },
          { id: "operations", label: "Operations" },
        ]}
        active={tab}
        onChange={setTab}
      />
      {tab === "operations" ? (
        <DropletOperations id={d.id} />
      ) : (
        <>
          <dl className="facts">
            <dt>ID</dt>
            <dd className="mono">{d.id}</dd>
            <dt>Version</dt>
            <dd>{d.version}</dd>
            <dt>Region / size</dt>
            <dd>
              {d.region} / {d.size_slug} ({d.vcpus} vCPU, {d.memory_mb} MB, {d.disk_gb} GB)
            </dd>
            <dt>Image</dt>
            <dd>{d.image}</dd>
            {d.provider !== undefined && (
              <>
                <dt>Provider</dt>
                <dd data-testid="droplet-provider-name">{d.provider ?? "—"}</dd>
              </>
            )}
            <dt>Networks</dt>
            <dd>{d.networks?.v4?.map((n) => `${n.ip_address} (${n.type})`).join(", ") || "—"}</dd>
            {isNode && (
              <>
                <dt>Cluster</dt>
                <dd data-testid="droplet-cluster">
                  Node of <Link to={`/clusters/${d.cluster_id}`}>cluster {shortId(d.cluster_id)}</Link>
                  {d.node_pool_id ? ` (pool ${shortId(d.node_pool_id)})` : ""}
                </dd>
              </>
            )}
            <dt>Tags</dt>
            <dd>
              <TagEditor tags={d.tags ?? []} disabled={gone} onSave={saveTags} />
            </dd>
            <dt>Created</dt>
            <dd>{formatTime(d.created_at)}</dd>
          </dl>
          {!gone && <DropletActions droplet={d} busy={busy} onAction={act} />}
          {!gone &&
            (isNode ? (
              <p className="muted small-print">Nodes are removed from their cluster's node pool, not deleted here.</p>
            ) : (
              <div className="danger-zone">
                <button type="button" className="danger" disabled={busy || d.locked} onClick={remove}>
                  Delete
                </button>
              </div>
            ))}
          <ProblemMessage error={actionError} onReload={() => res.reload()} />
        </>
      )}
    </section>
  );
}
