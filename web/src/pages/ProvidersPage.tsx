// /providers: every provider with its reserved and free capacity; for admins, register, edit (If-Match) and delete
// (If-Match; a provider with reservations is refused with 409 FAILED_PRECONDITION, shown as served); and the placement
// simulator. Reloaded by live provider events. A server without the routes (404) says so.
import { useState } from "react";
import { ApiError } from "../api/client";
import { deleteProvider, listProviders, type Provider } from "../api/providers";
import { CapacityBar } from "../components/CapacityBar";
import { PlacementSimulator } from "../components/PlacementSimulator";
import { ProblemMessage } from "../components/ProblemMessage";
import { ProviderForm } from "../components/ProviderForm";
import { useConfirm } from "../context/confirm";
import { useToast } from "../context/toast";
import { aggregates, FALLBACK_POLL_MS, useResource } from "../hooks/useResource";
import { useIsAdmin } from "../hooks/useIsAdmin";

function ProviderRow({ p, admin, onEdit, onDelete }: { p: Provider; admin: boolean; onEdit: () => void; onDelete: () => void }) {
  return (
    <tr data-testid="provider-row">
      <td>{p.name}</td>
      <td>{p.regions.join(", ") || "—"}</td>
      <td>{p.classes.map((c) => <span key={c} className="chip">{c}</span>)}</td>
      <td className="progress-cell">
        <CapacityBar name={p.name} capacity={p.capacity} reserved={p.reserved} available={p.available} />
      </td>
      <td>{p.price_hourly_override ? `$${p.price_hourly_override}/h` : <span className="muted">catalog</span>}</td>
      {admin && (
        <td className="row-actions">
          <button type="button" className="small" onClick={onEdit} aria-label={`Edit ${p.name}`} data-testid="provider-edit">
            Edit
          </button>
          <button type="button" className="small danger" onClick={onDelete} aria-label={`Delete ${p.name}`} data-testid="provider-delete">
            Delete
          </button>
        </td>
      )}
    </tr>
  );
}

export function ProvidersPage() {
  const toast = useToast();
  const confirm = useConfirm();
  const admin = useIsAdmin() === true;
  const list = useResource(async (signal) => (await listProviders(undefined, signal)).data, [], { pollMs: FALLBACK_POLL_MS, live: aggregates("provider") });
  const [editing, setEditing] = useState<Provider | null>(null);
  const [deleteError, setDeleteError] = useState<unknown>(null);
  // A new key empties the register form after a provider was registered.
  const [registered, setRegistered] = useState(0);
  const providers = list.data?.providers ?? [];

  if (list.error instanceof ApiError && list.error.status === 404) {
    return (
      <p className="muted" data-testid="providers-unavailable">
        This server does not offer providers yet.
      </p>
    );
  }

  async function remove(p: Provider) {
    const ok = await confirm({ title: `Delete provider ${p.name}?`, message: "Droplets can no longer be placed on it.", confirmLabel: "Delete provider", danger: true });
    if (!ok) return;
    setDeleteError(null);
    try {
      await deleteProvider(p.id, p.version);
      toast.success(`Provider ${p.name} deleted.`);
    } catch (err) {
      setDeleteError(err);
    }
    await list.reload();
  }

  async function saved(what: string) {
    toast.success(what);
    setEditing(null);
    await list.reload();
  }

  return (
    <div className="page">
      <section className="panel" aria-label="Providers">
        <header className="panel-header">
          <h2>Providers</h2>
          <span className="total">{providers.length} provider(s)</span>
        </header>
        <ProblemMessage error={list.error} onReload={() => list.reload()} />
        <ProblemMessage error={deleteError} onReload={() => list.reload()} />
        <div className="table-wrap">
          <table aria-label="Providers">
            <thead>
              <tr>
                <th>Name</th>
                <th>Regions</th>
                <th>Classes</th>
                <th>Capacity</th>
                <th>Price</th>
                {admin && <th />}
              </tr>
            </thead>
            <tbody>
              {providers.map((p) => (
                <ProviderRow key={p.id} p={p} admin={admin} onEdit={() => setEditing(p)} onDelete={() => void remove(p)} />
              ))}
              {list.data && providers.length === 0 && (
                <tr>
                  <td colSpan={admin ? 6 : 5} className="empty">
                    No provider yet{admin ? ": register one below." : "."}
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
        {editing && <ProviderForm key={`${editing.id}:${editing.version}`} provider={editing} onSaved={(p) => void saved(`Provider ${p.name} saved.`)} onCancel={() => setEditing(null)} />}
        {!admin && <p className="muted small-print">Registering, editing and deleting providers is for admins.</p>}
      </section>
      {admin && (
        <section className="panel" aria-label="Register provider">
          <h2>Register provider</h2>
          <ProviderForm
            key={registered}
            onSaved={(p) => {
              setRegistered((n) => n + 1);
              void saved(`Provider ${p.name} registered.`);
            }}
          />
        </section>
      )}
      {list.data && <PlacementSimulator />}
    </div>
  );
}
