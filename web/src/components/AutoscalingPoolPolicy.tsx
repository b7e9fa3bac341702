// Autoscaling of one node pool: without a policy, a create form (templates, §13.1 defaults); with one, its state
// (enabled, bounds, conditions), enable/disable and the editor (merge-patch with If-Match), delete (If-Match, after a confirm),
// "Evaluate now" (the dry run: shows the decision, writes nothing), the decision log and the scaling history.
import { useState } from "react";
import {
  createPolicy,
  defaultFields,
  deletePolicy,
  evaluatePolicy,
  listDecisions,
  listScalingEvents,
  patchPolicy,
  type AutoscalingPolicy,
  type EvaluateResponse,
  type PolicyFields,
} from "../api/autoscaling";
import type { NodePoolWithNodes } from "../api/clusters";
import { useConfirm } from "../context/confirm";
import { useToast } from "../context/toast";
import { useResource } from "../hooks/useResource";
import { AutoscalingPolicyForm } from "./AutoscalingPolicyForm";
import { DecisionTable } from "./DecisionTable";
import { ProblemMessage } from "./ProblemMessage";
import { ScalingHistory } from "./ScalingHistory";

export const POLICY_REFRESH_MS = 15_000;

interface Props {
  clusterId: string;
  pool: NodePoolWithNodes;
  policy?: AutoscalingPolicy;
  onChanged: () => Promise<void> | void;
}

/** The §13.1 fields of a policy resource, for the editor. */
export function fieldsOf(p: AutoscalingPolicy): PolicyFields {
  const d = defaultFields(p.min_nodes, p.max_nodes);
  return {
    min_nodes: p.min_nodes,
    max_nodes: p.max_nodes,
    metrics: p.metrics ?? d.metrics,
    evaluation_interval_seconds: p.evaluation_interval_seconds ?? d.evaluation_interval_seconds,
    node_warmup_seconds: p.node_warmup_seconds ?? d.node_warmup_seconds,
    behavior: p.behavior ?? d.behavior,
    schedules: p.schedules ?? [],
    cost_limit_monthly: p.cost_limit_monthly ?? null,
    enabled: p.enabled ?? true,
  };
}

export function AutoscalingPoolPolicy({ clusterId, pool, policy, onChanged }: Props) {
  const toast = useToast();
  const confirm = useConfirm();
  const [editing, setEditing] = useState(false);
  const [dryRun, setDryRun] = useState<EvaluateResponse | null>(null);
  const [dryRunError, setDryRunError] = useState<unknown>(null);
  const [evaluating, setEvaluating] = useState(false);
  const id = policy?.id;
  const decisions = useResource(async (signal) => (await listDecisions(id!, signal)).data, [id], { enabled: !!id, pollMs: POLICY_REFRESH_MS });
  const events = useResource(async (signal) => (await listScalingEvents(id!, signal)).data, [id], { enabled: !!id, pollMs: POLICY_REFRESH_MS });

  async function create(fields: PolicyFields) {
    await createPolicy({ ...fields, target: { cluster_id: clusterId, node_pool_id: pool.id } });
    toast.success(`Autoscaling policy of ${pool.name} created.`);
    setEditing(false);
    await onChanged();
  }

  async function save(fields: PolicyFields) {
    // Merge-patch of every editable field, checked against the version the editor was opened with.
    await patchPolicy(policy!.id, policy!.version, fields);
    toast.success(`Autoscaling policy of ${pool.name} saved.`);
    setEditing(false);
    await onChanged();
  }

  async function toggle() {
    try {
      await patchPolicy(policy!.id, policy!.version, { enabled: !policy!.enabled });
      toast.success(`Autoscaling of ${pool.name} ${policy!.enabled ? "disabled" : "enabled"}.`);
      await onChanged();
    } catch (err) {
      toast.error(err);
    }
  }

  async function remove() {
    const ok = await confirm({
      title: `Delete the autoscaling policy of ${pool.name}?`,
      message: `The pool keeps its current ${pool.count} node(s) and its count becomes editable again.`,
      confirmLabel: "Delete policy",
      danger: true,
    });
    if (!ok) return;
    try {
      await deletePolicy(policy!.id, policy!.version);
      toast.success(`Autoscaling policy of ${pool.name} deleted.`);
      await onChanged();
    } catch (err) {
      toast.error(err);
    }
  }

  async function evaluate() {
    setEvaluating(true);
    setDryRunError(null);
    try {
      setDryRun(await evaluatePolicy(policy!.id));
    } catch (err) {
      setDryRunError(err);
    } finally {
      setEvaluating(false);
    }
  }

  const label = `Autoscaling policy of pool ${pool.name}`;
  return (
    <section className="pool" aria-label={`Autoscaling of pool ${pool.name}`} data-testid="autoscaling-pool" data-pool-name={pool.name}>
      <header className="panel-header">
        <h3>
          {pool.name} <span className="muted">{pool.size}</span>
        </h3>
        <span data-testid="autoscaling-summary">
          {policy ? (
            <>
              <span className={`pill ${policy.enabled ? "status-active" : "status-off"}`}>{policy.enabled ? "autoscaling" : "disabled"}</span> {policy.min_nodes}–{policy.max_nodes} nodes, now{" "}
              {pool.count}
              {policy.status && policy.status.desired_nodes !== pool.count ? `, desired ${policy.status.desired_nodes}` : ""}
            </>
          ) : (
            <span className="muted">no policy; {pool.count} node(s), set by hand</span>
          )}
        </span>
      </header>
      {policy?.status?.conditions && policy.status.conditions.length > 0 && (
        <ul className="conditions chips" aria-label="Conditions">
          {policy.status.conditions.map((c) => (
            <li key={c.type} className="chip">
              {c.type}: {c.status} ({c.reason})
            </li>
          ))}
        </ul>
      )}
      <div className="actions">
        <button type="button" onClick={() => setEditing((e) => !e)} data-testid="policy-edit" aria-expanded={editing}>
          {editing ? "Close editor" : policy ? "Edit policy" : "Create policy"}
        </button>
        {policy && (
          <>
            <button type="button" onClick={toggle} data-testid="policy-toggle">
              {policy.enabled ? "Disable" : "Enable"}
            </button>
            <button type="button" onClick={evaluate} disabled={evaluating} data-testid="policy-evaluate">
              {evaluating ? "Evaluating…" : "Evaluate now"}
            </button>
            <button type="button" className="danger" onClick={remove} data-testid="policy-delete">
              Delete policy
            </button>
          </>
        )}
      </div>
      {editing && (
        <AutoscalingPolicyForm
          key={policy ? `${policy.id}@${policy.version}` : "new"}
          label={label}
          initial={policy ? fieldsOf(policy) : defaultFields(Math.min(pool.count, 1), Math.max(pool.count, 3))}
          submitLabel={policy ? "Save policy" : "Create policy"}
          onSubmit={policy ? save : create}
          onReload={() => void onChanged()}
        />
      )}
      <ProblemMessage error={dryRunError} />
      {dryRun && (
        <div className="dry-run" data-testid="dry-run">
          <h4>Dry run (nothing recorded, nothing scaled)</h4>
          <p data-testid="dry-run-reason">{dryRun.decision.reason}</p>
          <DecisionTable decisions={[dryRun.decision]} label="Dry-run decision" testid="dry-run-table" />
          <p className="muted small-print">
            A real tick would {dryRun.would_record ? "" : "not "}record this decision. Conditions: {dryRun.conditions.map((c) => `${c.type} ${c.status} (${c.reason})`).join(", ") || "—"}
          </p>
        </div>
      )}
      {policy && (
        <>
          <h4>Decision log</h4>
          <ProblemMessage error={decisions.error} />
          {decisions.data && (decisions.data.decisions.length ? <DecisionTable decisions={decisions.data.decisions} label="Decision log" testid="decision-log" /> : <p className="muted">No decisions recorded yet.</p>)}
          <h4>Scaling history</h4>
          <ProblemMessage error={events.error} />
          {events.data && <ScalingHistory events={events.data.events} />}
        </>
      )}
    </section>
  );
}
