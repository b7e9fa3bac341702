// Droplet action buttons and small forms: power on/off, shutdown, reboot, power cycle, rename, resize (off only), rebuild,
// snapshot and migrate (to another provider).
import { useState, type FormEvent, type ReactNode } from "react";
import { allowedActions, type ActionType, type Droplet, type DropletAction } from "../api/droplets";
import { useCatalog } from "../hooks/useCatalog";
import { ProviderSelect } from "./ProviderSelect";
import { SizeSelect } from "./SizeSelect";

interface Props {
  droplet: Droplet;
  busy: boolean;
  onAction: (action: DropletAction) => Promise<void>;
}

const SIMPLE: { type: "power_on" | "power_off" | "shutdown" | "reboot" | "power_cycle"; label: string }[] = [
  { type: "power_on", label: "Power on" },
  { type: "power_off", label: "Power off" },
  { type: "shutdown", label: "Shut down" },
  { type: "reboot", label: "Reboot" },
  { type: "power_cycle", label: "Power cycle" },
];

function InlineForm({ label, disabled, onSubmit, children }: { label: string; disabled: boolean; onSubmit: () => void; children: ReactNode }) {
  return (
    <form
      className="inline-form"
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        onSubmit();
      }}
    >
      {children}
      <button type="submit" disabled={disabled}>
        {label}
      </button>
    </form>
  );
}

export function DropletActions({ droplet: d, busy, onAction }: Props) {
  const { images } = useCatalog();
  const [newName, setNewName] = useState("");
  const [size, setSize] = useState("");
  const [image, setImage] = useState("");
  const [snapshot, setSnapshot] = useState("");
  const [target, setTarget] = useState("");
  const allowed = allowedActions(d.status);
  const can = (t: ActionType) => !busy && !d.locked && allowed.includes(t);

  return (
    <div className="actions">
      <div className="action-buttons">
        {SIMPLE.map((a) => (
          <button key={a.type} type="button" disabled={!can(a.type)} onClick={() => onAction({ type: a.type })}>
            {a.label}
          </button>
        ))}
      </div>
      <InlineForm label="Rename" disabled={!can("rename") || !newName.trim()} onSubmit={() => onAction({ type: "rename", name: newName.trim() }).then(() => setNewName(""))}>
        <input aria-label="New name" placeholder="new name" value={newName} onChange={(e) => setNewName(e.target.value)} />
      </InlineForm>
      <InlineForm label="Resize" disabled={!can("resize") || !size} onSubmit={() => onAction({ type: "resize", size })}>
        <SizeSelect region={d.region} value={size} onChange={setSize} name="resize-size" label="New size" exclude={[d.size_slug]} />
      </InlineForm>
      {d.status === "active" && <p className="muted small-print">Resize needs the droplet powered off.</p>}
      <InlineForm label="Rebuild" disabled={!can("rebuild") || !image} onSubmit={() => onAction({ type: "rebuild", image })}>
        <select aria-label="Rebuild image" value={image} onChange={(e) => setImage(e.target.value)}>
          <option value="">image…</option>
          {images.map((i) => (
            <option key={i.slug} value={i.slug}>
              {i.slug}
            </option>
          ))}
        </select>
      </InlineForm>
      <InlineForm
        label="Snapshot"
        disabled={!can("snapshot") || !snapshot.trim()}
        onSubmit={() => onAction({ type: "snapshot", name: snapshot.trim() }).then(() => setSnapshot(""))}
      >
        <input aria-label="Snapshot name" placeholder="snapshot name" value={snapshot} onChange={(e) => setSnapshot(e.target.value)} />
      </InlineForm>
      <InlineForm label="Migrate" disabled={!can("migrate") || !target} onSubmit={() => onAction({ type: "migrate", provider: target }).then(() => setTarget(""))}>
        <ProviderSelect label="Migrate to provider" emptyLabel="provider…" value={target} onChange={setTarget} exclude={[d.provider]} testid="migrate-provider" />
      </InlineForm>
    </div>
  );
}
