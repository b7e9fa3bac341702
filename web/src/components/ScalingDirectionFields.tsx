// The fields of one scaling direction of a policy (`behavior.scale_up` or `behavior.scale_down`, api.md §13.1):
// tolerance, stabilization window, select policy and the rate rules; field errors come in by pointer.
import type { Direction, RateRule, SelectPolicy } from "../api/autoscaling";
import { FieldError } from "./FieldError";
import { NumberField } from "./NumberField";

interface Props<D extends Direction> {
  /** `scale_up` or `scale_down`, for labels and pointers. */
  name: "scale_up" | "scale_down";
  value: D;
  onChange: (next: D) => void;
  /** The field error at a pointer relative to the policy body (e.g. `behavior/scale_up/tolerance`). */
  at: (pointer: string) => string | undefined;
}

const required = (v: number | null) => v ?? Number.NaN;

function ruleKind(rule: RateRule): "nodes" | "percent" {
  return "nodes" in rule ? "nodes" : "percent";
}

function ruleAmount(rule: RateRule): number {
  return "nodes" in rule ? rule.nodes : rule.percent;
}

function makeRule(kind: "nodes" | "percent", amount: number, period_seconds: number): RateRule {
  return kind === "nodes" ? { nodes: amount, period_seconds } : { percent: amount, period_seconds };
}

export function ScalingDirectionFields<D extends Direction>({ name, value, onChange, at }: Props<D>) {
  const label = name === "scale_up" ? "Scale up" : "Scale down";
  const base = `behavior/${name}`;
  const set = (change: Partial<Direction>) => onChange({ ...value, ...change });
  const setRule = (i: number, rule: RateRule) => set({ policies: value.policies.map((r, j) => (j === i ? rule : r)) });
  return (
    <fieldset className="direction" data-testid={`direction-${name}`}>
      <legend>{label}</legend>
      <NumberField label={`${label} tolerance`} step="any" min={0} value={value.tolerance} onChange={(v) => set({ tolerance: required(v) })} error={at(`${base}/tolerance`)} testid={`${name}-tolerance`} />
      <NumberField
        label={`${label} stabilization window (s)`}
        min={0}
        value={value.stabilization_window_seconds}
        onChange={(v) => set({ stabilization_window_seconds: required(v) })}
        error={at(`${base}/stabilization_window_seconds`)}
        testid={`${name}-stabilization`}
      />
      <label>
        {label} select policy
        <select aria-label={`${label} select policy`} value={value.select_policy} onChange={(e) => set({ select_policy: e.target.value as SelectPolicy })}>
          <option value="max">max (the rule allowing most)</option>
          <option value="min">min (the rule allowing least)</option>
          <option value="disabled">disabled (never {name === "scale_up" ? "up" : "down"})</option>
        </select>
        <FieldError text={at(`${base}/select_policy`)} />
      </label>
      <div className="rate-rules">
        {value.policies.map((rule, i) => (
          <div key={i} className="inline-fields" data-testid={`${name}-rule`}>
            <span>at most</span>
            <NumberField
              label={`${label} rule ${i + 1} amount`}
              min={0}
              value={ruleAmount(rule)}
              onChange={(v) => setRule(i, makeRule(ruleKind(rule), required(v), rule.period_seconds))}
              error={at(`${base}/policies/${i}/${ruleKind(rule)}`) ?? at(`${base}/policies/${i}`)}
            />
            <select aria-label={`${label} rule ${i + 1} unit`} value={ruleKind(rule)} onChange={(e) => setRule(i, makeRule(e.target.value as "nodes" | "percent", ruleAmount(rule), rule.period_seconds))}>
              <option value="nodes">nodes</option>
              <option value="percent">%</option>
            </select>
            <NumberField
              label={`${label} rule ${i + 1} period (s)`}
              min={1}
              value={rule.period_seconds}
              onChange={(v) => setRule(i, makeRule(ruleKind(rule), ruleAmount(rule), required(v)))}
              error={at(`${base}/policies/${i}/period_seconds`)}
            />
            <button type="button" className="small" aria-label={`Remove ${label.toLowerCase()} rule ${i + 1}`} onClick={() => set({ policies: value.policies.filter((_, j) => j !== i) })}>
              ×
            </button>
          </div>
        ))}
        <FieldError text={at(`${base}/policies`)} />
        <button type="button" className="small" onClick={() => set({ policies: [...value.policies, { nodes: 1, period_seconds: 60 }] })}>
          Add {label.toLowerCase()} rule
        </button>
      </div>
    </fieldset>
  );
}
