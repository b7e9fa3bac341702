// Form that creates a droplet (POST /api/v1/droplets) and shows problem details next to the fields.
import { useState, type FormEvent } from "react";
import { ApiError } from "../api/client";
import { createDroplet, IMAGES, REGIONS, sizesForRegion, type Droplet } from "../api/droplets";
import { ProblemMessage } from "./ProblemMessage";

interface Props {
  onCreated: (droplet: Droplet, consistencyToken?: string) => void;
}

export function CreateDropletForm({ onCreated }: Props) {
  const [name, setName] = useState("");
  const [region, setRegion] = useState<string>(REGIONS[0]);
  const [size, setSize] = useState("s-1vcpu-1gb");
  const [image, setImage] = useState<string>(IMAGES[0]);
  const [tags, setTags] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const sizes = sizesForRegion(region);
  const fieldErrors = error instanceof ApiError ? error.fieldErrors() : {};

  function changeRegion(next: string) {
    setRegion(next);
    if (!sizesForRegion(next).includes(size)) setSize(sizesForRegion(next)[0]);
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const tagList = tags.split(",").map((t) => t.trim()).filter(Boolean);
      const res = await createDroplet({ name: name.trim(), region, size, image, ...(tagList.length ? { tags: tagList } : {}) });
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
          {fieldErrors.name && <span className="field-error">{fieldErrors.name}</span>}
        </label>
        <label>
          Region
          <select name="region" value={region} onChange={(e) => changeRegion(e.target.value)}>
            {REGIONS.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
          {fieldErrors.region && <span className="field-error">{fieldErrors.region}</span>}
        </label>
        <label>
          Size
          <select name="size" value={size} onChange={(e) => setSize(e.target.value)}>
            {sizes.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
          {fieldErrors.size && <span className="field-error">{fieldErrors.size}</span>}
        </label>
        <label>
          Image
          <select name="image" value={image} onChange={(e) => setImage(e.target.value)}>
            {IMAGES.map((i) => (
              <option key={i}>{i}</option>
            ))}
          </select>
          {fieldErrors.image && <span className="field-error">{fieldErrors.image}</span>}
        </label>
        <label>
          Tags
          <input name="tags" value={tags} onChange={(e) => setTags(e.target.value)} placeholder="env:prod, team:web" />
          {fieldErrors.tags && <span className="field-error">{fieldErrors.tags}</span>}
        </label>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? "Creating…" : "Create"}
        </button>
        <ProblemMessage error={error} />
      </form>
    </section>
  );
}
