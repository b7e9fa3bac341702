// Form that creates a droplet (POST /api/v1/droplets) from the API catalog, with prices, tags, an optional provider
// (automatic placement when none is chosen) and field errors.
import { useEffect, useState, type FormEvent } from "react";
import { ApiError } from "../api/client";
import { formatPrice } from "../api/catalog";
import { createDroplet, type Droplet } from "../api/droplets";
import { parseTags } from "../format";
import { useCatalog, useSizes } from "../hooks/useCatalog";
import { FieldError } from "./FieldError";
import { ProblemMessage } from "./ProblemMessage";
import { ProviderSelect } from "./ProviderSelect";
import { SizeSelect } from "./SizeSelect";

interface Props {
  onCreated: (droplet: Droplet, consistencyToken?: string) => void;
}

export function CreateDropletForm({ onCreated }: Props) {
  const catalog = useCatalog();
  const [name, setName] = useState("");
  const [region, setRegion] = useState("");
  const [size, setSize] = useState("");
  const [image, setImage] = useState("");
  const [tags, setTags] = useState("");
  const [provider, setProvider] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const { sizes } = useSizes(region);

  const regions = catalog.regions.filter((r) => r.available !== false);
  useEffect(() => {
    if (!region && regions.length) setRegion(regions[0].slug);
  }, [region, regions]);
  useEffect(() => {
    if (!image && catalog.images.length) setImage(catalog.images[0].slug);
  }, [image, catalog.images]);

  const chosen = sizes.find((s) => s.slug === size);
  const fieldErrors = error instanceof ApiError ? error.fieldErrors() : {};

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const tagList = parseTags(tags);
      const res = await createDroplet({ name: name.trim(), region, size, image, ...(tagList.length ? { tags: tagList } : {}), ...(provider ? { provider } : {}) });
      onCreated(res.data.droplet, res.consistencyToken);
      setName("");
      setTags("");
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="panel" aria-label="Create droplet">
      <h2>Create droplet</h2>
      <form className="create-form" onSubmit={submit}>
        <label>
          Name
          <input name="name" required value={name} onChange={(e) => setName(e.target.value)} placeholder="web-1" />
          <FieldError text={fieldErrors.name} />
        </label>
        <label>
          Region
          <select name="region" value={region} onChange={(e) => setRegion(e.target.value)}>
            {regions.length === 0 && <option value="">loading…</option>}
            {regions.map((r) => (
              <option key={r.slug} value={r.slug}>
                {r.slug}
              </option>
            ))}
          </select>
          <FieldError text={fieldErrors.region} />
        </label>
        <label>
          Size
          <SizeSelect region={region} value={size} onChange={setSize} />
          {chosen && (
            <span className="price" data-testid="droplet-price">
              {formatPrice(chosen.price_monthly, chosen.currency)}/mo · {formatPrice(chosen.price_hourly, chosen.currency)}/h
            </span>
          )}
          <FieldError text={fieldErrors.size} />
        </label>
        <label>
          Image
          <select name="image" value={image} onChange={(e) => setImage(e.target.value)}>
            {catalog.images.map((i) => (
              <option key={i.slug} value={i.slug}>
                {i.slug}
              </option>
            ))}
          </select>
          <FieldError text={fieldErrors.image} />
        </label>
        <label>
          Tags
          <input name="tags" value={tags} onChange={(e) => setTags(e.target.value)} placeholder="env:prod, team:web" />
          <FieldError text={fieldErrors.tags} />
        </label>
        <label>
          Provider
          <ProviderSelect name="provider" label="Provider" emptyLabel="automatic placement" value={provider} onChange={setProvider} testid="droplet-provider" />
          <FieldError text={fieldErrors.provider} />
        </label>
        <button type="submit" className="primary" disabled={busy || !region || !size || !image}>
          {busy ? "Creating…" : "Create"}
        </button>
        <ProblemMessage error={error} />
        <ProblemMessage error={catalog.error} />
      </form>
    </section>
  );
}
