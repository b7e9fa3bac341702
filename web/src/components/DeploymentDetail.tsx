// One deployment: revision, strategy, status and message, canary weight, the steps with their status and message, the
// analysis runs, and the transition buttons enabled by status (api.md §12.4). Abort and cancel ask first.
import { useState } from "react";
import { allowedVerbs, deploymentAction, describeStrategy, type Deployment, type DeploymentVerb } from "../api/deployments";
import { useConfirm } from "../context/confirm";
import { useToast } from "../context/toast";
import { formatTime } from "../format";
import { ProblemMessage } from "./ProblemMessage";
import { StatusPill } from "./StatusPill";

const VERBS: { verb: DeploymentVerb; label: string; confirm?: string }[] = [
  { verb: "pause", label: "Pause" },
  { verb: "resume", label: "Resume" },
  { verb: "promote", label: "Promote" },
  { verb: "abort", label: "Abort", confirm: "Traffic goes back to the stable revision and this deployment is rolled back." },
  { verb: "cancel", label: "Cancel", confirm: "The deployment stops; the stable revision stays active and partial canary resources are removed." },
];

function CanaryWeight({ weight }: { weight: number }) {
  const w = Math.max(0, Math.min(100, weight));
  return (
    <div className="progress canary-weight" role="meter" aria-valuemin={0} aria-valuemax={100} aria-valuenow={w} aria-label="Canary weight" data-testid="canary-weight">
      <div className="progress-fill" style={{ width: `${w}%` }} />
      <span className="progress-text">{w} % of traffic on the new revision</span>
    </div>
  );
}

function Steps({ d }: { d: Deployment }) {
  return (
    <ol className="deploy-steps" aria-label="Steps">
      {(d.progress?.steps ?? []).map((s) => (
        <li key={s.index} data-testid="deploy-step" data-status={s.status} aria-current={s.index === d.current_step && s.status === "running" ? "step" : undefined}>
          <StatusPill status={s.status} /> <strong>{s.name}</strong>
          {s.message && <span className="muted"> — {s.message}</span>}
          {s.started_at && <span className="muted small-print"> ({formatTime(s.started_at)}{s.finished_at ? ` → ${formatTime(s.finished_at)}` : ""})</span>}
        </li>
      ))}
    </ol>
  );
}

function AnalysisRuns({ d }: { d: Deployment }) {
  if (!d.analysis_runs?.length) return null;
  return (
    <table aria-label="Analysis runs">
      <thead>
        <tr>
          <th>Step</th>
          <th>Result</th>
          <th>Metrics</th>
          <th>At</th>
        </tr>
      </thead>
      <tbody>
        {d.analysis_runs.map((r, i) => (
          <tr key={i} data-testid="analysis-run">
            <td>{r.step}</td>
            <td>
              <StatusPill status={r.result} />
            </td>
            <td>
              {(r.metrics ?? []).map((m) => (
                <div key={m.name} className={m.passed ? undefined : "error-text"}>
                  {m.name} = {m.value} ({m.success_condition}: {m.passed ? "passed" : "failed"})
                </div>
              ))}
            </td>
            <td>{formatTime(r.at)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function DeploymentDetail({ deployment: d, onChanged }: { deployment: Deployment; onChanged: () => Promise<void> }) {
  const toast = useToast();
  const confirm = useConfirm();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const allowed = allowedVerbs(d.status);

  async function run(verb: DeploymentVerb, label: string, question?: string) {
    if (question && !(await confirm({ title: `${label} deployment of ${d.revision.image}?`, message: question, confirmLabel: label, danger: true }))) return;
    setBusy(true);
    setError(null);
    try {
      await deploymentAction(d.id, verb);
      toast.success(`${label}: accepted.`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
    await onChanged();
  }

  return (
    <section className="deployment" aria-label="Deployment" data-testid="deployment-detail">
      <h3>
        Revision {d.revision.number} · <span className="mono">{d.revision.image}</span> <StatusPill status={d.status} testid="deployment-status" />
        {d.deployment_kind === "rollback" && <span className="pill status-rollback"> rollback</span>}
      </h3>
      <dl className="facts">
        <dt>Strategy</dt>
        <dd>{describeStrategy(d.strategy)}</dd>
        <dt>Message</dt>
        <dd data-testid="deployment-message">{d.message || "—"}</dd>
        <dt>Auto-rollback</dt>
        <dd>{d.auto_rollback ? "on" : "off"}</dd>
        <dt>Started / finished</dt>
        <dd>
          {formatTime(d.created_at)} / {formatTime(d.finished_at)}
        </dd>
      </dl>
      {d.strategy.type === "canary" && <CanaryWeight weight={d.canary_weight} />}
      <div className="actions" role="group" aria-label="Deployment actions">
        {VERBS.map((v) => (
          <button key={v.verb} type="button" className={v.confirm ? "danger" : undefined} disabled={busy || !allowed.includes(v.verb)} onClick={() => void run(v.verb, v.label, v.confirm)} aria-label={`${v.label} deployment`} data-testid={`deploy-${v.verb}`}>
            {v.label}
          </button>
        ))}
      </div>
      <ProblemMessage error={error} />
      <Steps d={d} />
      <AnalysisRuns d={d} />
    </section>
  );
}
