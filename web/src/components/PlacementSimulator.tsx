// Placement simulator: region, class, preferred and avoided provider → POST /placements:simulate → the provider and region
// chosen and why. It reserves nothing. 409 NO_CAPACITY is said plainly rather than shown as a failure.
import { useState, type FormEvent } from "react";
import { ApiError } from "../api/client";
import { simulatePlacement, type Placement, type PlacementQuery } from "../api/providers";
import { useCatalog } from "../hooks/useCatalog";
import { ProblemMessage } from "./ProblemMessage";
import { ProviderSelect } from "./ProviderSelect";

export function PlacementSimulator() {
  const { regions } = useCatalog();
  const [q, setQ] = useState<PlacementQuery>({});
  const [result, setResult] = useState<Placement | null>(null);
  const [noRoom, setNoRoom] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const set = (k: keyof PlacementQuery) => (v: string) => setQ((old) => ({ ...old, [k]: v }));

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setResult(null);
    setNoRoom(null);
    setError(null);
    try {
      setResult((await simulatePlacement({ ...q, class: q.class?.trim() })).data);
    } catch (err) {
      if (err instanceof ApiError && err.status === 409 && err.problem.code === "NO_CAPACITY") setNoRoom(err.problem.detail || "No provider has room.");
      else setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="panel" aria-label="Simulate placement" data-testid="placement-simulator">
      <h2>Simulate placement</h2>
      <p className="muted small-print">Shows where a new droplet would go right now. Nothing is reserved.</p>
      <form className="create-form" onSubmit={submit}>
        <div className="inline-fields">
          <label>
            Region
            <select aria-label="Simulated region" value={q.region ?? ""} onChange={(e) => set("region")(e.target.value)}>
              <option value="">any region</option>
              {regions.map((r) => (
                <option key={r.slug} value={r.slug}>
                  {r.slug}
                </option>
              ))}
            </select>
          </label>
          <label>
            Class
            <input aria-label="Simulated class" value={q.class ?? ""} onChange={(e) => set("class")(e.target.value)} placeholder="any class" />
          </label>
          <label>
            Preferred provider
            <ProviderSelect label="Preferred provider" emptyLabel="none" value={q.preferred_provider ?? ""} onChange={set("preferred_provider")} />
          </label>
          <label>
            Avoid provider
            <ProviderSelect label="Avoid provider" emptyLabel="none" value={q.avoid_provider ?? ""} onChange={set("avoid_provider")} />
          </label>
        </div>
        <div className="actions">
          <button type="submit" disabled={busy} data-testid="simulate-submit">
            {busy ? "Simulating…" : "Simulate"}
          </button>
        </div>
      </form>
      {result && (
        <div className="placement-result" data-testid="simulate-result">
          <p>
            Would place on <strong data-testid="simulate-provider">{result.provider}</strong> in <strong>{result.region}</strong>.
          </p>
          <ul aria-label="Reasons">
            {(result.reasons ?? []).map((r) => (
              <li key={r}>{r}</li>
            ))}
          </ul>
        </div>
      )}
      {noRoom && (
        <p className="problem" role="status" data-testid="simulate-no-capacity">
          No capacity: {noRoom}
        </p>
      )}
      <ProblemMessage error={error} />
    </section>
  );
}
