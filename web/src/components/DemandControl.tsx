// Demo control of a cluster's simulated demand: a level slider (0–100) and a scenario profile, sent with
// PUT /clusters/{id}/demand and If-Match with the cluster's version; a 412 asks for a reload. Changes only the load
// model's input, never a node pool.
import { useEffect, useState, type FormEvent } from "react";
import { DEMAND_PROFILES, setDemand, type Demand, type DemandProfile } from "../api/telemetry";
import { useToast } from "../context/toast";
import { FieldError } from "./FieldError";
import { ProblemMessage } from "./ProblemMessage";
import { ApiError } from "../api/client";

interface Props {
  clusterId: string;
  /** The cluster's version, sent as If-Match. */
  version: number;
  current?: Demand | null;
  onChanged: () => void;
}

export function DemandControl({ clusterId, version, current, onChanged }: Props) {
  const toast = useToast();
  const [level, setLevel] = useState(current?.level ?? 50);
  const [profile, setProfile] = useState<DemandProfile>(current?.profile ?? "calm");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (current) {
      setLevel(current.level);
      setProfile(current.profile);
    }
  }, [current?.level, current?.profile]); // eslint-disable-line react-hooks/exhaustive-deps
  const fields = error instanceof ApiError ? error.fieldErrors() : {};

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await setDemand(clusterId, version, { level, profile });
      toast.success(`Demand set to ${level} (${profile}).`);
      onChanged();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="inline-form demand" aria-label="Demand (demo)" onSubmit={submit} data-testid="demand-control">
      <div>
        Demand level <output data-testid="demand-level-value">{level}</output>
        <input type="range" min={0} max={100} step={1} value={level} aria-label="Demand level" onChange={(e) => setLevel(Number(e.target.value))} />
        <FieldError text={fields.level} testid="demand-level-error" />
      </div>
      <label>
        Profile
        <select aria-label="Demand profile" value={profile} onChange={(e) => setProfile(e.target.value as DemandProfile)}>
          {DEMAND_PROFILES.map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
        <FieldError text={fields.profile} testid="demand-profile-error" />
      </label>
      <button type="submit" className="primary" disabled={busy} data-testid="demand-submit">
        {busy ? "Setting…" : "Set demand"}
      </button>
      <ProblemMessage error={error} onReload={onChanged} />
    </form>
  );
}
