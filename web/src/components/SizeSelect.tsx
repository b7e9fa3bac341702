// Size picker fed by GET /sizes?region=: each option shows vCPUs, memory, disk and the catalog's monthly price.
import { useEffect } from "react";
import { describeSize } from "../api/catalog";
import { useSizes } from "../hooks/useCatalog";

interface Props {
  region: string;
  value: string;
  onChange: (slug: string) => void;
  name?: string;
  label?: string;
  testid?: string;
  /** Slugs not to offer (e.g. the droplet's current size). */
  exclude?: string[];
}

export function SizeSelect({ region, value, onChange, name = "size", label = "Size", testid, exclude }: Props) {
  const { sizes } = useSizes(region);
  const offered = sizes.filter((s) => s.available !== false && !exclude?.includes(s.slug));

  // Keep the value valid for the region: pick the first offered size when it is not offered.
  const valid = offered.some((s) => s.slug === value);
  const first = offered[0]?.slug;
  useEffect(() => {
    if (first && !valid) onChange(first);
  }, [first, valid, onChange]);

  return (
    <select name={name} aria-label={label} value={valid ? value : ""} onChange={(e) => onChange(e.target.value)} data-testid={testid}>
      {!valid && <option value="">{offered.length ? "choose a size…" : region ? "loading sizes…" : "pick a region first"}</option>}
      {offered.map((s) => (
        <option key={s.slug} value={s.slug}>
          {s.slug} — {describeSize(s)}
        </option>
      ))}
    </select>
  );
}
