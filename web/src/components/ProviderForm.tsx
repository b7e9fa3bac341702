// Register (POST) or edit (merge-patch with If-Match) a provider: name, regions from the catalog, classes, capacity and an
// optional hourly price override. 422 field errors show under their field; 409 and 412 problems below the form.
import { useState, type FormEvent } from "react";
import { ApiError } from "../api/client";
import { createProvider, patchProvider, type Provider, type ProviderChanges, type ProviderInput } from "../api/providers";
import { parseTags } from "../format";
import { useCatalog } from "../hooks/useCatalog";
import { FieldError } from "./FieldError";
import { NumberField } from "./NumberField";
import { ProblemMessage } from "./ProblemMessage";

interface Props {
  /** The provider to edit; a new one is registered without it. */
  provider?: Provider;
  onSaved: (provider: Provider) => void;
  onCancel?: () => void;
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

/** Only what the form changed, so a merge-patch never rewrites a field the user did not touch. */
function changesOf(before: Provider, after: ProviderInput): ProviderChanges {
  const out: ProviderChanges = {};
  if (!sameList(before.regions, after.regions)) out.regions = after.regions;
  if (!sameList(before.classes, after.classes)) out.classes = after.classes;
  if (before.capacity !== after.capacity) out.capacity = after.capacity;
  const price = after.price_hourly_override ?? null;
  if ((before.price_hourly_override ?? null) !== price) out.price_hourly_override = price;
  return out;
}

export function ProviderForm({ provider, onSaved, onCancel }: Props) {
  const { regions } = useCatalog();
  const [name, setName] = useState(provider?.name ?? "");
  const [chosen, setChosen] = useState<string[]>(provider?.regions ?? []);
  const [classes, setClasses] = useState((provider?.classes ?? []).join(", "));
  const [capacity, setCapacity] = useState<number | null>(provider?.capacity ?? 10);
  const [price, setPrice] = useState(provider?.price_hourly_override ?? "");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const errors = error instanceof ApiError ? error.fieldErrors() : {};
  const editing = provider !== undefined;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    // The price goes as typed: a decimal string, never parsed into a float.
    const input: ProviderInput = { name: name.trim(), regions: chosen, classes: parseTags(classes), capacity: capacity as number, price_hourly_override: price.trim() || null };
    try {
      const res = editing ? await patchProvider(provider.id, provider.version, changesOf(provider, input)) : await createProvider(withoutEmptyPrice(input));
      onSaved(res.data);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const label = editing ? `Edit provider ${provider.name}` : "Register provider";
  return (
    <form className="create-form provider-form" aria-label={label} onSubmit={submit} data-testid={editing ? "provider-edit-form" : "provider-form"}>
      {editing ? (
        <h3>{label}</h3>
      ) : (
        <label>
          Name
          <input name="name" aria-label="Provider name" required value={name} onChange={(e) => setName(e.target.value)} placeholder="do-nyc" />
          <FieldError text={errors.name} testid="provider-error-name" />
        </label>
      )}
      <label>
        Regions
        <select
          multiple
          name="regions"
          aria-label="Regions"
          value={chosen}
          size={Math.min(6, Math.max(2, regions.length))}
          onChange={(e) => setChosen([...e.target.selectedOptions].map((o) => o.value))}
        >
          {regions.map((r) => (
            <option key={r.slug} value={r.slug}>
              {r.slug} — {r.name}
            </option>
          ))}
        </select>
        <span className="small-print">Ctrl- or Cmd-click to pick several.</span>
        <FieldError text={errors.regions} testid="provider-error-regions" />
      </label>
      <label>
        Classes
        <input name="classes" aria-label="Classes" value={classes} onChange={(e) => setClasses(e.target.value)} placeholder="standard, cpu" />
        <FieldError text={errors.classes} testid="provider-error-classes" />
      </label>
      <NumberField label="Capacity (droplet slots)" value={capacity} onChange={setCapacity} min={0} error={errors.capacity} testid="provider-capacity" />
      <label>
        Hourly price override (USD, optional)
        <input name="price_hourly_override" aria-label="Hourly price override" inputMode="decimal" value={price} onChange={(e) => setPrice(e.target.value)} placeholder="catalog price" />
        <FieldError text={errors.price_hourly_override} testid="provider-error-price" />
      </label>
      <div className="actions">
        <button type="submit" className="primary" disabled={busy || (!editing && !name.trim())} data-testid="provider-submit">
          {busy ? "Saving…" : editing ? "Save" : "Register"}
        </button>
        {onCancel && (
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
      <ProblemMessage error={error} />
    </form>
  );
}

/** A new provider without an override simply omits the field (the catalog price applies). */
function withoutEmptyPrice(input: ProviderInput): ProviderInput {
  const { name, regions, classes, capacity, price_hourly_override } = input;
  return { name, regions, classes, capacity, ...(price_hourly_override ? { price_hourly_override } : {}) };
}
