// A provider picker fed by GET /providers (name, free slots). The empty option is `emptyLabel` (e.g. "automatic
// placement"); a server without the providers routes (404) leaves just that option rather than showing an error.
import { listProviders } from "../api/providers";
import { useResource } from "../hooks/useResource";

interface Props {
  value: string;
  onChange: (name: string) => void;
  label: string;
  emptyLabel: string;
  name?: string;
  testid?: string;
  /** Provider names not to offer (e.g. where the droplet already is). */
  exclude?: (string | null | undefined)[];
}

export function ProviderSelect({ value, onChange, label, emptyLabel, name, testid, exclude = [] }: Props) {
  const providers = useResource(async (signal) => (await listProviders(undefined, signal)).data, []);
  const offered = (providers.data?.providers ?? []).filter((p) => !exclude.includes(p.name));
  return (
    <select name={name} aria-label={label} value={value} onChange={(e) => onChange(e.target.value)} data-testid={testid}>
      <option value="">{emptyLabel}</option>
      {offered.map((p) => (
        <option key={p.id} value={p.name}>
          {p.name} — {p.available} free
        </option>
      ))}
    </select>
  );
}
