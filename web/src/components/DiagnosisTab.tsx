// Diagnosis tab of a cluster: "Run diagnosis" (POST /clusters/{id}/diagnoses → 202 + Operation, polled until done),
// the history (GET /clusters/{id}/diagnoses, newest first) and the chosen diagnosis's insights. A 404 from the
// diagnosis routes (a server without them) is shown as such rather than as an error.
import { useEffect, useState } from "react";
import { ApiError } from "../api/client";
import { diagnosisIdOf, getDiagnosis, listDiagnoses, runDiagnosis, SEVERITIES, type Diagnosis } from "../api/diagnoses";
import { getOperation } from "../api/operations";
import { useToast } from "../context/toast";
import { formatTime, shortId } from "../format";
import { useResource } from "../hooks/useResource";
import { InsightList } from "./InsightList";
import { ProblemMessage } from "./ProblemMessage";
import { ProgressBar } from "./ProgressBar";
import { StatusPill } from "./StatusPill";

/** How often a running diagnosis is polled (its Retry-After is 1–5 s). */
export const DIAGNOSIS_POLL_MS = 1000;

function counts(d: Diagnosis): string {
  return SEVERITIES.map((s) => `${d.counts?.[s] ?? (d.insights ?? []).filter((i) => i.severity === s).length} ${s}`).join(", ");
}

export function DiagnosisTab({ clusterId }: { clusterId: string }) {
  const toast = useToast();
  const [opId, setOpId] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const [runError, setRunError] = useState<unknown>(null);
  const history = useResource(async (signal) => (await listDiagnoses(clusterId, signal)).data, [clusterId]);
  const op = useResource(async (signal) => (await getOperation(opId!, signal)).data, [opId], { enabled: !!opId, pollMs: DIAGNOSIS_POLL_MS, resetOnChange: true });
  const list = history.data?.diagnoses ?? [];
  const shownId = selected ?? list[0]?.id ?? null;
  const shown = useResource(async (signal) => (await getDiagnosis(clusterId, shownId!, signal)).data, [clusterId, shownId], { enabled: !!shownId });
  const unavailable = history.error instanceof ApiError && history.error.status === 404;

  // A finished diagnosis operation: show its result and refresh the history. Keyed by id too, so a second run whose
  // operation is already done at its first poll is noticed.
  const o = op.data;
  useEffect(() => {
    if (!o?.done || o.id !== opId) return;
    setOpId(null);
    if (o.status === "succeeded") {
      const id = diagnosisIdOf(o);
      if (id) setSelected(id);
      void history.reload();
    } else {
      setRunError(new ApiError(o.error ?? { type: "about:blank", title: `Diagnosis ${o.status}`, status: 0 }));
    }
  }, [o?.id, o?.done]); // eslint-disable-line react-hooks/exhaustive-deps

  async function run() {
    setStarting(true);
    setRunError(null);
    try {
      const res = await runDiagnosis(clusterId);
      const id = res.data?.operation?.id ?? res.operationLocation?.split("/").pop();
      if (res.data?.diagnosis?.id) setSelected(res.data.diagnosis.id);
      if (id) setOpId(id);
      else void history.reload();
      toast.info("Diagnosis started.");
    } catch (err) {
      setRunError(err);
    } finally {
      setStarting(false);
    }
  }

  if (unavailable) {
    return (
      <p className="muted" data-testid="diagnosis-unavailable">
        This server does not offer diagnoses yet.
      </p>
    );
  }
  return (
    <div data-testid="cluster-diagnosis">
      <div className="actions">
        <button type="button" className="primary" onClick={run} disabled={starting || !!opId} data-testid="diagnosis-run">
          {opId ? "Diagnosing…" : "Run diagnosis"}
        </button>
        {o && !o.done && (
          <span className="pending-op" data-testid="diagnosis-progress">
            <StatusPill status={o.status} /> <ProgressBar percent={o.progress?.percent ?? 0} label={o.progress?.message || o.progress?.step || undefined} />
          </span>
        )}
      </div>
      <ProblemMessage error={runError} />
      <ProblemMessage error={history.error} onReload={() => history.reload()} />
      {shown.data && (
        <section aria-label="Diagnosis result" data-testid="diagnosis-result">
          <h3>
            Diagnosis of {formatTime(shown.data.completed_at)} <span className="muted">({shown.data.source})</span>
          </h3>
          <InsightList insights={shown.data.insights} />
        </section>
      )}
      <ProblemMessage error={shown.error} />
      <h3>History</h3>
      {history.data && list.length === 0 && <p className="muted">No diagnosis yet: run one.</p>}
      {list.length > 0 && (
        <div className="table-wrap">
          <table aria-label="Diagnosis history" data-testid="diagnosis-history">
            <thead>
              <tr>
                <th>When</th>
                <th>By</th>
                <th>Insights</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {list.map((d) => (
                <tr key={d.id} data-testid="diagnosis-row" aria-selected={d.id === shownId}>
                  <td>{formatTime(d.completed_at)}</td>
                  <td>{d.job_id ? `job ${shortId(d.job_id)}` : d.requested_by}</td>
                  <td>{counts(d)}</td>
                  <td>
                    <button type="button" className="link" onClick={() => setSelected(d.id)} disabled={d.id === shownId}>
                      {d.id === shownId ? "shown" : "Show"}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
