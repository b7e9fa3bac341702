// Editor of one autoscaling policy's §13.1 fields with the §13.1 defaults and the original's three templates. A 422
// shows each `errors[]` entry at its field (by JSON pointer); pointers the form has no field for are listed below it,
// so none is lost. Saving is the caller's (create or merge-patch with If-Match); this form only edits a draft.
import { useState, type FormEvent } from "react";
import { BUILTIN_METRICS, templates, localTimezone, type PolicyFields, type Schedule, type ScaleDown, type Weekday, WEEKDAYS } from "../api/autoscaling";
import { ApiError } from "../api/client";
import { FieldError } from "./FieldError";
import { NumberField } from "./NumberField";
import { ProblemMessage } from "./ProblemMessage";
import { ScalingDirectionFields } from "./ScalingDirectionFields";

interface Props {
  /** Names the form for screen readers and tests, e.g. "Autoscaling policy of pool web". */
  label: string;
  initial: PolicyFields;
  submitLabel: string;
  onSubmit: (fields: PolicyFields) => Promise<void>;
  /** A 412 offers this. */
  onReload?: () => void;
}

const required = (v: number | null) => v ?? Number.NaN;

/** The select's value for a metric whose type is a custom name (never sent: the name is the type). */
const CUSTOM = "\u0000custom";
const isBuiltin = (type: string) => (BUILTIN_METRICS as readonly string[]).includes(type);

/** Every pointer the form shows at a field; anything else is listed under the form. */
const FIELD_POINTER =
  /^(min_nodes|max_nodes|enabled|evaluation_interval_seconds|node_warmup_seconds|cost_limit_monthly|behavior\/cooldown_seconds|metrics\/\d+(\/(type|target))?|schedules\/\d+(\/(window|timezone|days(\/\d+)?|min_nodes|max_nodes))?|behavior\/scale_(up|down)\/(tolerance|stabilization_window_seconds|select_policy|policies(\/\d+(\/(nodes|percent|period_seconds))?)?)|behavior\/scale_down\/delay_after_(scale_up|failure)_seconds)$/;

export function AutoscalingPolicyForm({ label, initial, submitLabel, onSubmit, onReload }: Props) {
  const [draft, setDraft] = useState<PolicyFields>(initial);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const errors = error instanceof ApiError ? error.fieldErrorsByPointer() : {};
  const at = (pointer: string) => errors[pointer];
  const unplaced = Object.entries(errors).filter(([p]) => !FIELD_POINTER.test(p));
  const set = (change: Partial<PolicyFields>) => setDraft((d) => ({ ...d, ...change }));
  const setMetric = (i: number, change: Partial<PolicyFields["metrics"][number]>) => set({ metrics: draft.metrics.map((m, j) => (j === i ? { ...m, ...change } : m)) });
  const setSchedule = (i: number, change: Partial<Schedule>) => set({ schedules: draft.schedules.map((s, j) => (j === i ? { ...s, ...change } : s)) });
  const timezone = localTimezone();

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onSubmit(draft);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="policy-form" aria-label={label} onSubmit={submit} data-testid="autoscaling-form">
      <div className="actions" role="group" aria-label="Templates">
        <span className="muted">Templates:</span>
        {templates(timezone).map((t) => (
          <button key={t.id} type="button" className="small" data-testid={`template-${t.id}`} onClick={() => setDraft(t.fields)}>
            {t.label}
          </button>
        ))}
      </div>
      <div className="inline-fields">
        <NumberField label="Min nodes" min={0} value={draft.min_nodes} onChange={(v) => set({ min_nodes: required(v) })} error={at("min_nodes")} testid="policy-min" />
        <NumberField label="Max nodes" min={1} value={draft.max_nodes} onChange={(v) => set({ max_nodes: required(v) })} error={at("max_nodes")} testid="policy-max" />
        <label>
          <input type="checkbox" checked={draft.enabled} onChange={(e) => set({ enabled: e.target.checked })} data-testid="policy-enabled" /> Enabled
        </label>
      </div>

      <fieldset>
        <legend>Metrics (utilizations are fractions: 0.7 = 70 %)</legend>
        {draft.metrics.map((m, i) => (
          <div key={i} className="inline-fields" data-testid="policy-metric">
            <label>
              Metric {i + 1}
              <select
                aria-label={`Metric ${i + 1} type`}
                value={isBuiltin(m.type) ? m.type : CUSTOM}
                onChange={(e) => setMetric(i, { type: e.target.value === CUSTOM ? "" : e.target.value })}
              >
                {BUILTIN_METRICS.map((k) => (
                  <option key={k} value={k}>
                    {k}
                  </option>
                ))}
                <option value={CUSTOM}>custom…</option>
              </select>
              <FieldError text={at(`metrics/${i}/type`) ?? at(`metrics/${i}`)} />
            </label>
            {!isBuiltin(m.type) && (
              <label>
                Custom metric name
                <input aria-label={`Metric ${i + 1} name`} value={m.type} onChange={(e) => setMetric(i, { type: e.target.value.trim() })} />
              </label>
            )}
            <NumberField label={`Metric ${i + 1} target`} step="any" min={0} value={m.target} onChange={(v) => setMetric(i, { target: required(v) })} error={at(`metrics/${i}/target`)} testid={`metric-${i}-target`} />
            <button type="button" className="small" aria-label={`Remove metric ${i + 1}`} onClick={() => set({ metrics: draft.metrics.filter((_, j) => j !== i) })}>
              ×
            </button>
          </div>
        ))}
        <button type="button" className="small" onClick={() => set({ metrics: [...draft.metrics, { type: "cpu_utilization", target: 0.6 }] })}>
          Add metric
        </button>
      </fieldset>

      <fieldset>
        <legend>Schedules (bounds inside a time window)</legend>
        {draft.schedules.map((s, i) => (
          <div key={i} className="inline-fields" data-testid="policy-schedule">
            <label>
              Window
              <input aria-label={`Schedule ${i + 1} window`} placeholder="08:00-18:00" value={s.window} onChange={(e) => setSchedule(i, { window: e.target.value })} />
              <FieldError text={at(`schedules/${i}/window`) ?? at(`schedules/${i}`)} testid={`schedule-${i}-window-error`} />
            </label>
            <label>
              Time zone
              <input aria-label={`Schedule ${i + 1} time zone`} value={s.timezone} onChange={(e) => setSchedule(i, { timezone: e.target.value })} />
              <FieldError text={at(`schedules/${i}/timezone`)} />
            </label>
            <label>
              Days
              <input
                aria-label={`Schedule ${i + 1} days`}
                placeholder="every day"
                value={(s.days ?? []).join(",")}
                onChange={(e) => {
                  const days = e.target.value.split(",").map((d) => d.trim().toLowerCase()).filter(Boolean) as Weekday[];
                  setSchedule(i, { days: days.length ? days : undefined });
                }}
              />
              <FieldError text={Object.entries(errors).find(([p]) => p.startsWith(`schedules/${i}/days`))?.[1]} />
            </label>
            <NumberField label={`Schedule ${i + 1} min nodes`} min={0} value={s.min_nodes} onChange={(v) => setSchedule(i, { min_nodes: v ?? undefined })} error={at(`schedules/${i}/min_nodes`)} />
            <NumberField label={`Schedule ${i + 1} max nodes`} min={1} value={s.max_nodes} onChange={(v) => setSchedule(i, { max_nodes: v ?? undefined })} error={at(`schedules/${i}/max_nodes`)} />
            <button type="button" className="small" aria-label={`Remove schedule ${i + 1}`} onClick={() => set({ schedules: draft.schedules.filter((_, j) => j !== i) })}>
              ×
            </button>
          </div>
        ))}
        <button type="button" className="small" onClick={() => set({ schedules: [...draft.schedules, { window: "08:00-18:00", timezone }] })}>
          Add schedule
        </button>
        <p className="muted small-print">Days: {WEEKDAYS.join(", ")}, comma separated; empty means every day.</p>
      </fieldset>

      <label>
        Cost limit (USD a month; empty = none)
        <input
          aria-label="Cost limit monthly"
          inputMode="decimal"
          placeholder="no limit"
          value={draft.cost_limit_monthly ?? ""}
          onChange={(e) => set({ cost_limit_monthly: e.target.value.trim() === "" ? null : e.target.value.trim() })}
          data-testid="policy-cost-limit"
        />
        <FieldError text={at("cost_limit_monthly")} testid="policy-cost-limit-error" />
      </label>

      <details open={Object.keys(errors).some((p) => /^(behavior|evaluation_interval|node_warmup)/.test(p)) || undefined}>
        <summary>Behaviour (evaluation, warm-up, tolerances, stabilization, rate rules, delays)</summary>
        <div className="inline-fields">
          <NumberField
            label="Evaluation interval (s)"
            min={1}
            value={draft.evaluation_interval_seconds}
            onChange={(v) => set({ evaluation_interval_seconds: required(v) })}
            error={at("evaluation_interval_seconds")}
          />
          <NumberField label="Node warm-up (s)" min={0} value={draft.node_warmup_seconds} onChange={(v) => set({ node_warmup_seconds: required(v) })} error={at("node_warmup_seconds")} />
          <NumberField
            label="Cooldown (s, simple mode; empty = off)"
            min={0}
            placeholder="off"
            value={draft.behavior.cooldown_seconds}
            onChange={(v) => set({ behavior: { ...draft.behavior, cooldown_seconds: v } })}
            error={at("behavior/cooldown_seconds")}
          />
        </div>
        <ScalingDirectionFields name="scale_up" value={draft.behavior.scale_up} onChange={(scale_up) => set({ behavior: { ...draft.behavior, scale_up } })} at={at} />
        <ScalingDirectionFields<ScaleDown> name="scale_down" value={draft.behavior.scale_down} onChange={(scale_down) => set({ behavior: { ...draft.behavior, scale_down } })} at={at} />
        <div className="inline-fields">
          <NumberField
            label="Delay after scale-up (s)"
            min={0}
            value={draft.behavior.scale_down.delay_after_scale_up_seconds}
            onChange={(v) => set({ behavior: { ...draft.behavior, scale_down: { ...draft.behavior.scale_down, delay_after_scale_up_seconds: required(v) } } })}
            error={at("behavior/scale_down/delay_after_scale_up_seconds")}
          />
          <NumberField
            label="Delay after failure (s)"
            min={0}
            value={draft.behavior.scale_down.delay_after_failure_seconds}
            onChange={(v) => set({ behavior: { ...draft.behavior, scale_down: { ...draft.behavior.scale_down, delay_after_failure_seconds: required(v) } } })}
            error={at("behavior/scale_down/delay_after_failure_seconds")}
          />
        </div>
      </details>

      {unplaced.length > 0 && (
        <ul className="field-error" data-testid="policy-other-errors">
          {unplaced.map(([p, text]) => (
            <li key={p}>
              <span className="mono">{p}</span>: {text}
            </li>
          ))}
        </ul>
      )}
      {error instanceof ApiError && error.isStale ? (
        <ProblemMessage error={error} onReload={onReload} />
      ) : (
        <ProblemMessage error={error} />
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy} data-testid="policy-submit">
          {busy ? "Saving…" : submitLabel}
        </button>
      </div>
    </form>
  );
}
