// Estimates calculator: rows of size + count + optional hours → POST /billing/estimates → hourly and monthly totals, each
// row's unit prices and amount, capped flags and the server's assumptions. Every figure is the served string; nothing is
// summed or multiplied here. 422 pointers (`#/items/1/count`) show under the field they name.
import { useState, type FormEvent } from "react";
import { ApiError } from "../api/client";
import { listSizes } from "../api/catalog";
import { estimate, usd, type Estimate, type EstimateItemInput } from "../api/billing";
import { useResource } from "../hooks/useResource";
import { FieldError } from "./FieldError";
import { ProblemMessage } from "./ProblemMessage";

interface Row {
  key: number;
  size: string;
  count: string;
  hours: string;
}

let nextKey = 0;
function newRow(size = ""): Row {
  return { key: nextKey++, size, count: "1", hours: "" };
}

/** The request body: counts and hours as numbers, hours left out when empty (the server assumes a full month). */
function itemsOf(rows: Row[]): EstimateItemInput[] {
  return rows.map((r) => ({ kind: "droplet", size: r.size, count: Number(r.count), ...(r.hours.trim() ? { hours: Number(r.hours) } : {}) }));
}

function EstimateResult({ result }: { result: Estimate }) {
  return (
    <div className="estimate-result" data-testid="estimate-result">
      <dl className="facts">
        <dt>Hourly total</dt>
        <dd data-testid="estimate-hourly">{usd(result.hourly_total)}</dd>
        <dt>Monthly total</dt>
        <dd data-testid="estimate-monthly">{usd(result.monthly_total)}</dd>
      </dl>
      <table aria-label="Estimate lines">
        <thead>
          <tr>
            <th>Size</th>
            <th>Count</th>
            <th>Hours</th>
            <th>Unit hourly</th>
            <th>Unit monthly</th>
            <th>Amount</th>
          </tr>
        </thead>
        <tbody>
          {(result.items ?? []).map((it, i) => (
            <tr key={i} data-testid="estimate-line">
              <td>{it.size}</td>
              <td>{it.count}</td>
              <td>{it.hours}</td>
              <td>{usd(it.unit_hourly)}</td>
              <td>{usd(it.unit_monthly)}</td>
              <td>
                {usd(it.amount)} {it.capped && <span className="pill status-capped">capped</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {(result.assumptions ?? []).length > 0 && (
        <ul className="muted small-print" aria-label="Assumptions">
          {(result.assumptions ?? []).map((a) => (
            <li key={a}>{a}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function EstimateCalculator() {
  const sizes = useResource(() => listSizes(), []);
  const slugs = (sizes.data ?? []).map((s) => s.slug);
  const [rows, setRows] = useState<Row[]>(() => [newRow()]);
  const [result, setResult] = useState<Estimate | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const errors = error instanceof ApiError ? error.fieldErrorsByPointer() : {};
  const update = (key: number, change: Partial<Row>) => setRows((rs) => rs.map((r) => (r.key === key ? { ...r, ...change } : r)));

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      // A row whose size was never picked means the first size of the catalog, as its select shows.
      setResult((await estimate(itemsOf(rows.map((r) => ({ ...r, size: r.size || slugs[0] || "" }))))).data);
    } catch (err) {
      setResult(null);
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="panel" aria-label="Estimate" data-testid="estimate-calculator">
      <h2>Estimate</h2>
      <form className="create-form" onSubmit={submit}>
        {rows.map((r, i) => (
          <fieldset key={r.key} className="inline-fields estimate-row" aria-label={`Estimate row ${i + 1}`} data-testid="estimate-row">
            <label>
              Size
              <select aria-label={`Size of row ${i + 1}`} value={r.size || slugs[0] || ""} onChange={(e) => update(r.key, { size: e.target.value })}>
                {slugs.map((s) => (
                  <option key={s} value={s}>
                    {s}
                  </option>
                ))}
              </select>
              <FieldError text={errors[`items/${i}/size`]} testid={`estimate-error-${i}-size`} />
            </label>
            <label>
              Count
              <input type="number" min={1} aria-label={`Count of row ${i + 1}`} value={r.count} onChange={(e) => update(r.key, { count: e.target.value })} />
              <FieldError text={errors[`items/${i}/count`]} testid={`estimate-error-${i}-count`} />
            </label>
            <label>
              Hours (optional)
              <input type="number" min={0} aria-label={`Hours of row ${i + 1}`} placeholder="whole month" value={r.hours} onChange={(e) => update(r.key, { hours: e.target.value })} />
              <FieldError text={errors[`items/${i}/hours`]} testid={`estimate-error-${i}-hours`} />
            </label>
            {rows.length > 1 && (
              <button type="button" className="small" aria-label={`Remove row ${i + 1}`} onClick={() => setRows((rs) => rs.filter((x) => x.key !== r.key))}>
                Remove
              </button>
            )}
          </fieldset>
        ))}
        <div className="actions">
          <button type="button" onClick={() => setRows((rs) => [...rs, newRow()])} data-testid="estimate-add-row">
            Add row
          </button>
          <button type="submit" className="primary" disabled={busy || slugs.length === 0} data-testid="estimate-submit">
            {busy ? "Estimating…" : "Estimate"}
          </button>
        </div>
        <ProblemMessage error={error} />
        <ProblemMessage error={sizes.error} />
      </form>
      {result && <EstimateResult result={result} />}
    </section>
  );
}
