// Detail panel for one droplet with power on/off, reboot, rename and delete; re-reads with the Consistency-Token after each command.
import { useCallback, useEffect, useState } from "react";
import { deleteDroplet, dropletAction, getDroplet, type ActionType, type Droplet } from "../api/droplets";
import { ProblemMessage } from "./ProblemMessage";
import { StatusPill } from "./StatusPill";

interface Props {
  id: string;
  /** Consistency token to read with on first load (e.g. right after create). */
  initialToken?: string;
  /** Called after an accepted command with its consistency token. */
  onChanged: (consistencyToken?: string) => void;
}

export function DropletDetail({ id, initialToken, onChanged }: Props) {
  const [droplet, setDroplet] = useState<Droplet | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [newName, setNewName] = useState("");

  const reload = useCallback(
    async (token?: string) => {
      try {
        const res = await getDroplet(id, token);
        setDroplet(res.data);
        setError(null);
      } catch (err) {
        setError(err);
      }
    },
    [id],
  );

  useEffect(() => {
    setDroplet(null);
    reload(initialToken);
  }, [reload, initialToken]);

  // While an operation is in flight the list polls; the detail panel follows the same rhythm.
  const inFlight = !!droplet && (droplet.locked || droplet.status === "new" || droplet.status === "deleting");
  useEffect(() => {
    if (!inFlight) return;
    const timer = setInterval(() => reload(), 3000);
    return () => clearInterval(timer);
  }, [inFlight, reload]);

  async function run(command: () => Promise<{ consistencyToken?: string }>) {
    setBusy(true);
    setError(null);
    try {
      const res = await command();
      await reload(res.consistencyToken);
      onChanged(res.consistencyToken);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  if (!droplet) {
    return (
      <section className="panel detail" aria-label="Droplet detail">
        {error ? <ProblemMessage error={error} onReload={() => reload()} /> : <p>Loading…</p>}
      </section>
    );
  }

  const d = droplet;
  const act = (type: ActionType, name?: string) => run(() => dropletAction(d.id, d.version, type, name));
  const disabled = busy || d.locked;
  const gone = d.status === "deleting" || d.status === "deleted";

  return (
    <section className="panel detail" aria-label="Droplet detail">
      <header className="panel-header">
        <h2>{d.name}</h2>
        <StatusPill status={d.status} locked={d.locked} />
      </header>
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
        <dt>Networks</dt>
        <dd>{d.networks?.v4?.map((n) => `${n.ip_address} (${n.type})`).join(", ") || "—"}</dd>
        <dt>Tags</dt>
        <dd>{d.tags?.length ? d.tags.join(", ") : "—"}</dd>
        <dt>Created</dt>
        <dd>{new Date(d.created_at).toLocaleString()}</dd>
      </dl>
      {!gone && (
        <div className="actions">
          <button type="button" disabled={disabled || d.status !== "off"} onClick={() => act("power_on")}>
            Power on
          </button>
          <button type="button" disabled={disabled || d.status !== "active"} onClick={() => act("power_off")}>
            Power off
          </button>
          <button type="button" disabled={disabled || d.status !== "active"} onClick={() => act("reboot")}>
            Reboot
          </button>
          <form
            className="rename"
            onSubmit={(e) => {
              e.preventDefault();
              if (newName.trim()) act("rename", newName.trim()).then(() => setNewName(""));
            }}
          >
            <input aria-label="New name" placeholder="new name" value={newName} onChange={(e) => setNewName(e.target.value)} />
            <button type="submit" disabled={disabled || d.status !== "active" || !newName.trim()}>
              Rename
            </button>
          </form>
          <button
            type="button"
            className="danger"
            disabled={disabled}
            onClick={() => window.confirm(`Delete ${d.name}?`) && run(() => deleteDroplet(d.id, d.version))}
          >
            Delete
          </button>
        </div>
      )}
      <ProblemMessage error={error} onReload={() => reload()} />
    </section>
  );
}
