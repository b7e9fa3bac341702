// Start a deployment on a cluster (POST /clusters/{id}/deployments): image, replicas, a strategy (rolling, blue-green, or
// canary as Argo steps or Flagger weights), an analysis toggle, auto-rollback, and — only after the server answered 409
// DEPLOYMENT_IN_PROGRESS — a "supersede" checkbox. 422 pointers show under the field they name.
import { useState, type FormEvent } from "react";
import { ApiError } from "../api/client";
import { startDeployment, type CanaryStep, type Deployment, type StartDeploymentInput, type Strategy } from "../api/deployments";
import { FieldError } from "./FieldError";
import { ProblemMessage } from "./ProblemMessage";

type Kind = "rolling" | "blue_green" | "argo" | "flagger";

const DEFAULT_STEPS = "weight 20\npause 30\nweight 50\npause\nanalysis";

/** One canary step per line: `weight 20`, `pause 30` (seconds), `pause` (until resumed), `analysis`. */
export function parseSteps(text: string): CanaryStep[] {
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .map((line, i) => {
      const [word, arg, ...rest] = line.split(/\s+/);
      const n = arg === undefined ? undefined : Number(arg);
      if (rest.length || (n !== undefined && !Number.isInteger(n))) throw new Error(`line ${i + 1}: "${line}" is not a step`);
      if ((word === "weight" || word === "set_weight") && n !== undefined) return { set_weight: n };
      if (word === "pause") return { pause: n === undefined ? {} : { duration_seconds: n } };
      if (word === "analysis" && n === undefined) return { analysis: {} };
      throw new Error(`line ${i + 1}: "${line}" is not a step (weight N, pause [seconds], analysis)`);
    });
}

interface Fields {
  image: string;
  replicas: string;
  kind: Kind;
  maxSurge: string;
  maxUnavailable: string;
  scaleDownDelay: string;
  steps: string;
  stepWeight: string;
  maxWeight: string;
  analysis: boolean;
  successCondition: string;
  autoRollback: boolean;
  supersede: boolean;
}

const INITIAL: Fields = {
  image: "",
  replicas: "3",
  kind: "rolling",
  maxSurge: "25%",
  maxUnavailable: "25%",
  scaleDownDelay: "600",
  steps: DEFAULT_STEPS,
  stepWeight: "10",
  maxWeight: "50",
  analysis: false,
  successCondition: "result >= 0.95",
  autoRollback: true,
  supersede: false,
};

function strategyOf(f: Fields): Strategy {
  switch (f.kind) {
    case "rolling":
      return { type: "rolling", max_surge: f.maxSurge.trim(), max_unavailable: f.maxUnavailable.trim() };
    case "blue_green":
      return { type: "blue_green", scale_down_delay_seconds: Number(f.scaleDownDelay) };
    case "argo":
      return { type: "canary", steps: parseSteps(f.steps) };
    case "flagger":
      return { type: "canary", step_weight: Number(f.stepWeight), max_weight: Number(f.maxWeight) };
  }
}

function deploymentBody(f: Fields): StartDeploymentInput {
  return {
    image: f.image.trim(),
    ...(f.replicas.trim() ? { replicas: Number(f.replicas) } : {}),
    strategy: strategyOf(f),
    ...(f.analysis ? { analysis: { metrics: [{ name: "success_rate", success_condition: f.successCondition.trim() }] } } : {}),
    auto_rollback: f.autoRollback,
    ...(f.supersede ? { supersede: true } : {}),
  };
}

/** Field errors under the top-level field they point into (`#/strategy/steps/2` → strategy). */
function errorsOf(error: unknown): Record<string, string> {
  return error instanceof ApiError ? error.fieldErrors() : {};
}

export function StartDeploymentForm({ clusterId, onStarted }: { clusterId: string; onStarted: (d: Deployment) => void }) {
  const [f, setF] = useState<Fields>(INITIAL);
  const [error, setError] = useState<unknown>(null);
  const [stepsError, setStepsError] = useState<string | undefined>(undefined);
  const [inProgress, setInProgress] = useState(false);
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof Fields>(k: K, v: Fields[K]) => setF((old) => ({ ...old, [k]: v }));
  const errors = errorsOf(error);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setStepsError(undefined);
    let body: StartDeploymentInput;
    try {
      body = deploymentBody(f);
    } catch (err) {
      setStepsError(err instanceof Error ? err.message : String(err));
      return;
    }
    setBusy(true);
    try {
      const res = await startDeployment(clusterId, body);
      setInProgress(false);
      setF((old) => ({ ...old, supersede: false }));
      onStarted(res.data);
    } catch (err) {
      if (err instanceof ApiError && err.problem.code === "DEPLOYMENT_IN_PROGRESS") setInProgress(true);
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="create-form deploy-form" aria-label="Start deployment" onSubmit={submit} data-testid="deploy-form">
      <div className="inline-fields">
        <label>
          Image
          <input aria-label="Image" required value={f.image} onChange={(e) => set("image", e.target.value)} placeholder="registry.example/web:1.2.0" data-testid="deploy-image" />
          <FieldError text={errors.image} testid="deploy-error-image" />
        </label>
        <label>
          Replicas
          <input type="number" min={1} aria-label="Replicas" value={f.replicas} onChange={(e) => set("replicas", e.target.value)} />
          <FieldError text={errors.replicas} testid="deploy-error-replicas" />
        </label>
        <label>
          Strategy
          <select aria-label="Strategy" value={f.kind} onChange={(e) => set("kind", e.target.value as Kind)} data-testid="deploy-strategy">
            <option value="rolling">Rolling update</option>
            <option value="blue_green">Blue-green</option>
            <option value="argo">Canary — steps (Argo style)</option>
            <option value="flagger">Canary — weights (Flagger style)</option>
          </select>
        </label>
      </div>
      <StrategyFields f={f} set={set} />
      <FieldError text={stepsError ?? errors.strategy} testid="deploy-error-strategy" />
      <div className="inline-fields">
        <label className="checkbox">
          <input type="checkbox" checked={f.analysis} onChange={(e) => set("analysis", e.target.checked)} data-testid="deploy-analysis" /> Analysis
        </label>
        {f.analysis && (
          <label>
            Success rate condition
            <input aria-label="Success rate condition" value={f.successCondition} onChange={(e) => set("successCondition", e.target.value)} />
            <FieldError text={errors.analysis} testid="deploy-error-analysis" />
          </label>
        )}
        <label className="checkbox">
          <input type="checkbox" checked={f.autoRollback} onChange={(e) => set("autoRollback", e.target.checked)} data-testid="deploy-auto-rollback" /> Roll back automatically when
          analysis fails
        </label>
        {inProgress && (
          <label className="checkbox">
            <input type="checkbox" checked={f.supersede} onChange={(e) => set("supersede", e.target.checked)} data-testid="deploy-supersede" /> Supersede the deployment in
            progress
          </label>
        )}
      </div>
      <div className="actions">
        <button type="submit" className="primary" disabled={busy || !f.image.trim()} data-testid="deploy-submit">
          {busy ? "Starting…" : "Deploy"}
        </button>
      </div>
      <ProblemMessage error={error} />
    </form>
  );
}

function StrategyFields({ f, set }: { f: Fields; set: <K extends keyof Fields>(k: K, v: Fields[K]) => void }) {
  if (f.kind === "rolling") {
    return (
      <div className="inline-fields">
        <label>
          Max surge
          <input aria-label="Max surge" value={f.maxSurge} onChange={(e) => set("maxSurge", e.target.value)} />
        </label>
        <label>
          Max unavailable
          <input aria-label="Max unavailable" value={f.maxUnavailable} onChange={(e) => set("maxUnavailable", e.target.value)} />
        </label>
      </div>
    );
  }
  if (f.kind === "blue_green") {
    return (
      <label>
        Scale down the old version after (seconds)
        <input type="number" min={0} aria-label="Scale-down delay" value={f.scaleDownDelay} onChange={(e) => set("scaleDownDelay", e.target.value)} />
      </label>
    );
  }
  if (f.kind === "argo") {
    return (
      <label>
        Steps, one per line: <code>weight 20</code>, <code>pause 30</code> (seconds), <code>pause</code> (until resumed), <code>analysis</code>
        <textarea aria-label="Canary steps" rows={5} value={f.steps} onChange={(e) => set("steps", e.target.value)} data-testid="deploy-steps" />
      </label>
    );
  }
  return (
    <div className="inline-fields">
      <label>
        Step weight (%)
        <input type="number" min={1} max={100} aria-label="Step weight" value={f.stepWeight} onChange={(e) => set("stepWeight", e.target.value)} />
      </label>
      <label>
        Max weight (%)
        <input type="number" min={1} max={100} aria-label="Max weight" value={f.maxWeight} onChange={(e) => set("maxWeight", e.target.value)} />
      </label>
    </div>
  );
}
