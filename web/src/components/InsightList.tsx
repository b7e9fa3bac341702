// The insights of one diagnosis, grouped by severity (error, warning, suggestion), each with its evidence (metric,
// value, threshold, window), the object concerned and its recommendation: "Implement" shows the recommendation's
// request_hint (method, path, body) in a confirm dialog before sending it; "Create job" posts its job_request.
import { createJobFromRecommendation, implementHint, sendableHint, SEVERITIES, type Evidence, type Insight, type RequestHint } from "../api/diagnoses";
import { useConfirm } from "../context/confirm";
import { useToast } from "../context/toast";
import { shortId } from "../format";

const PERCENT_METRICS = ["cpu", "memory", "disk"];

/** cpu, memory and disk are in %; utilizations are fractions on the wire, read as percent; counts stay as they are. */
export function evidenceValue(metric: string, v: number): string {
  if (PERCENT_METRICS.includes(metric)) return `${Math.round(v * 10) / 10} %`;
  return metric.endsWith("utilization") ? `${Math.round(v * 1000) / 10} %` : String(v);
}

function EvidenceLine({ e }: { e: Evidence }) {
  return (
    <span data-testid="insight-evidence">
      {e.metric} <strong>{evidenceValue(e.metric, e.value)}</strong> against threshold {evidenceValue(e.metric, e.threshold)} over {e.window}
    </span>
  );
}

function HintPreview({ hint }: { hint: RequestHint }) {
  return (
    <pre className="mono request-preview" data-testid="hint-preview">
      {`${hint.method} ${hint.path}`}
      {hint.body !== undefined && hint.body !== null ? `\n\n${JSON.stringify(hint.body, null, 2)}` : ""}
    </pre>
  );
}

export function InsightList({ insights, onActed }: { insights: Insight[]; onActed?: () => void }) {
  const toast = useToast();
  const confirm = useConfirm();

  async function implement(insight: Insight, hint: RequestHint) {
    const ok = await confirm({ title: `Implement: ${insight.title}?`, message: <HintPreview hint={hint} />, confirmLabel: "Send request" });
    if (!ok) return;
    try {
      await implementHint(hint);
      toast.success(`Sent ${hint.method} ${hint.path}.`);
      onActed?.();
    } catch (err) {
      toast.error(err);
    }
  }

  async function createJob(insight: Insight) {
    try {
      const res = await createJobFromRecommendation(insight.recommendation!.job_request!);
      toast.success(`Job ${shortId(res.data?.id)} (${res.data?.type ?? insight.recommendation!.job_request!.type}) queued.`);
      onActed?.();
    } catch (err) {
      toast.error(err);
    }
  }

  if (insights.length === 0) return <p className="muted">No insights.</p>;
  return (
    <div data-testid="insights">
      {SEVERITIES.map((severity) => {
        const group = insights.filter((i) => i.severity === severity);
        if (group.length === 0) return null;
        return (
          <section key={severity} aria-label={`${severity} insights`} data-testid={`insights-${severity}`}>
            <h4>
              <span className={`pill severity-${severity}`}>{severity}</span> {group.length}
            </h4>
            <ul className="insights">
              {group.map((insight, i) => {
                const hint = insight.recommendation?.request_hint;
                return (
                  <li key={`${insight.check}-${i}`} data-testid="insight" data-check={insight.check}>
                    <strong>{insight.title}</strong>
                    <p>{insight.message}</p>
                    <p className="muted small-print">
                      {insight.evidence && <EvidenceLine e={insight.evidence} />}
                      {insight.object && (
                        <span data-testid="insight-object">
                          {" "}
                          · {insight.object.kind} {insight.object.name || shortId(insight.object.id)}
                        </span>
                      )}
                      {insight.recommendation && insight.recommendation.action !== "none" && <span> · recommends {insight.recommendation.action}</span>}
                    </p>
                    <div className="row-actions">
                      {hint && sendableHint(hint) && (
                        <button type="button" className="small" onClick={() => implement(insight, hint)} data-testid="insight-implement">
                          Implement
                        </button>
                      )}
                      {insight.recommendation?.job_request && (
                        <button type="button" className="small" onClick={() => createJob(insight)} data-testid="insight-create-job">
                          Create job
                        </button>
                      )}
                    </div>
                  </li>
                );
              })}
            </ul>
          </section>
        );
      })}
    </div>
  );
}
