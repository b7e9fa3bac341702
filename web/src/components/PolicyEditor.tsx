// Editor of one rate-limit policy document (the defaults or a user's override): one row per rule, add / remove, Save with
// If-Match (the ETag it was read with); 422 problems show at their `#/policies/<i>/<field>` pointers, 412 offers a reload.
import { useState, type FormEvent } from "react";
import { ApiError } from "../api/client";
import type { AppliesTo, LimitKey, RateLimitRule } from "../api/rateLimits";
import { FieldError } from "./FieldError";
import { ProblemMessage } from "./ProblemMessage";

interface Props {
  /** Names the form for tests and screen readers. */
  label: string;
  rules: RateLimitRule[];
  /** The ETag the rules were read with; `*` for a document that does not exist yet. */
  etag: string;
  onSave: (rules: RateLimitRule[], etag: string) => Promise<void>;
  /** Loads the current document again (offered after a 412). */
  onReload: () => void;
  onDelete?: () => Promise<void>;
}

interface Draft {
  name: string;
  quota: string;
  window_seconds: string;
  burst: string;
  applies_to: AppliesTo;
  key: LimitKey;
  cost_per_request: string;
  routes: string;
}

function toDraft(r: RateLimitRule): Draft {
  return {
    name: r.name,
    quota: String(r.quota),
    window_seconds: String(r.window_seconds),
    burst: r.burst === undefined || r.burst === null ? "" : String(r.burst),
    applies_to: r.applies_to ?? "all",
    key: r.key ?? "user",
    cost_per_request: String(r.cost_per_request ?? 1),
    routes: (r.routes ?? []).join(", "),
  };
}

/** A rule as the API takes it; an empty burst is left out (quota − 1). */
export function fromDraft(d: Draft): RateLimitRule {
  const rule: RateLimitRule = {
    name: d.name.trim(),
    quota: Number(d.quota),
    window_seconds: Number(d.window_seconds),
    applies_to: d.applies_to,
    cost_per_request: Number(d.cost_per_request),
    key: d.key,
    routes: d.routes
      .split(",")
      .map((r) => r.trim())
      .filter(Boolean),
  };
  if (d.burst.trim() !== "") rule.burst = Number(d.burst);
  return rule;
}

const EMPTY: Draft = { name: "", quota: "60", window_seconds: "60", burst: "", applies_to: "all", key: "user", cost_per_request: "1", routes: "" };

export function PolicyEditor({ label, rules, etag, onSave, onReload, onDelete }: Props) {
  const [drafts, setDrafts] = useState<Draft[]>(() => rules.map(toDraft));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const errors = error instanceof ApiError ? error.fieldErrorsByPointer() : {};

  const patch = (i: number, change: Partial<Draft>) => setDrafts((list) => list.map((d, j) => (j === i ? { ...d, ...change } : d)));

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onSave(drafts.map(fromDraft), etag);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  async function remove() {
    if (!onDelete) return;
    setBusy(true);
    setError(null);
    try {
      await onDelete();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const stale = error instanceof ApiError && error.isStale;
  return (
    <form className="policy-editor table-wrap" aria-label={label} onSubmit={submit} data-testid="policy-editor">
      <table>
        <thead>
          <tr>
            <th>Name</th>
            <th>Quota</th>
            <th>Window (s)</th>
            <th>Burst</th>
            <th>Applies to</th>
            <th>Key</th>
            <th>Cost</th>
            <th>Routes (comma separated; empty = all)</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {drafts.map((d, i) => {
            const at = (f: string) => errors[`policies/${i}/${f}`];
            return (
              <tr key={i} data-testid="rule-row">
                <td>
                  <input aria-label={`Rule ${i + 1} name`} value={d.name} onChange={(e) => patch(i, { name: e.target.value })} />
                  <FieldError text={at("name") ?? errors[`policies/${i}`]} testid={`rule-${i}-name-error`} />
                </td>
                <td>
                  <input aria-label={`Rule ${i + 1} quota`} type="number" min={1} value={d.quota} onChange={(e) => patch(i, { quota: e.target.value })} />
                  <FieldError text={at("quota")} testid={`rule-${i}-quota-error`} />
                </td>
                <td>
                  <input aria-label={`Rule ${i + 1} window`} type="number" min={1} value={d.window_seconds} onChange={(e) => patch(i, { window_seconds: e.target.value })} />
                  <FieldError text={at("window_seconds")} testid={`rule-${i}-window_seconds-error`} />
                </td>
                <td>
                  <input aria-label={`Rule ${i + 1} burst`} type="number" min={0} placeholder="quota − 1" value={d.burst} onChange={(e) => patch(i, { burst: e.target.value })} />
                  <FieldError text={at("burst")} testid={`rule-${i}-burst-error`} />
                </td>
                <td>
                  <select aria-label={`Rule ${i + 1} applies to`} value={d.applies_to} onChange={(e) => patch(i, { applies_to: e.target.value as AppliesTo })}>
                    <option value="all">all</option>
                    <option value="reads">reads</option>
                    <option value="mutations">mutations</option>
                  </select>
                </td>
                <td>
                  <select aria-label={`Rule ${i + 1} key`} value={d.key} onChange={(e) => patch(i, { key: e.target.value as LimitKey })}>
                    <option value="user">user</option>
                    <option value="cluster">cluster</option>
                    <option value="global">global</option>
                  </select>
                </td>
                <td>
                  <input aria-label={`Rule ${i + 1} cost`} type="number" min={0} value={d.cost_per_request} onChange={(e) => patch(i, { cost_per_request: e.target.value })} />
                  <FieldError text={at("cost_per_request")} />
                </td>
                <td>
                  <input aria-label={`Rule ${i + 1} routes`} value={d.routes} placeholder="every route" onChange={(e) => patch(i, { routes: e.target.value })} />
                  <FieldError text={Object.entries(errors).find(([k]) => k.startsWith(`policies/${i}/routes`))?.[1]} />
                </td>
                <td>
                  <button type="button" className="small" onClick={() => setDrafts((list) => list.filter((_, j) => j !== i))} aria-label={`Remove rule ${i + 1}`}>
                    ×
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <FieldError text={errors.policies} testid="policies-error" />
      <div className="actions">
        <button type="button" onClick={() => setDrafts((list) => [...list, { ...EMPTY, name: `rule_${list.length + 1}` }])} disabled={drafts.length >= 16}>
          Add rule
        </button>
        <button type="submit" className="primary" disabled={busy} data-testid="policy-save">
          {busy ? "Saving…" : "Save"}
        </button>
        {onDelete && (
          <button type="button" className="danger" disabled={busy} onClick={remove} data-testid="policy-delete">
            Delete override
          </button>
        )}
        <span className="muted small-print">If-Match: {etag}</span>
      </div>
      {stale ? (
        <div className="problem" role="alert" data-testid="policy-stale">
          Someone changed this policy since it was read. Reload it, then apply your change again.{" "}
          <button type="button" className="link" onClick={onReload}>
            Reload
          </button>
        </div>
      ) : (
        <ProblemMessage error={error} />
      )}
    </form>
  );
}
