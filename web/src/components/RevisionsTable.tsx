// A cluster's revisions (GET /clusters/{id}/revisions) with "Roll back to this revision" on every inactive one: after a
// confirm it POSTs deployments:rollback with If-Match = the cluster's version; 428 and 412 problems are shown as served.
import { useState } from "react";
import { rollback, type RevisionEntry } from "../api/deployments";
import { useConfirm } from "../context/confirm";
import { useToast } from "../context/toast";
import { formatTime, shortId } from "../format";
import { ProblemMessage } from "./ProblemMessage";

interface Props {
  clusterId: string;
  clusterVersion: number;
  revisions: RevisionEntry[];
  /** After a rollback was accepted or refused: reload the deployments and the cluster (its version moved on). */
  onChanged: () => Promise<void>;
}

export function RevisionsTable({ clusterId, clusterVersion, revisions, onChanged }: Props) {
  const toast = useToast();
  const confirm = useConfirm();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function rollTo(r: RevisionEntry) {
    const ok = await confirm({
      title: `Roll back to revision ${r.number}?`,
      message: `A new deployment of ${r.image} starts and replaces the active revision.`,
      confirmLabel: "Roll back",
      danger: true,
    });
    if (!ok) return;
    setBusy(true);
    setError(null);
    try {
      await rollback(clusterId, clusterVersion, { to_revision: r.number });
      toast.success(`Rolling back to revision ${r.number}.`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
    await onChanged();
  }

  return (
    <>
      <table aria-label="Revisions" data-testid="revisions">
        <thead>
          <tr>
            <th>Revision</th>
            <th>Image</th>
            <th>Config</th>
            <th>Deployment</th>
            <th>Created</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {revisions.map((r) => (
            <tr key={r.number} data-testid="revision-row">
              <td>{r.number}</td>
              <td className="mono">{r.image}</td>
              <td className="mono">{r.config_hash.slice(0, 12)}</td>
              <td className="mono">{shortId(r.deployment_id)}</td>
              <td>{formatTime(r.created_at)}</td>
              <td>
                {r.is_active ? (
                  <span className="pill status-active">active</span>
                ) : (
                  <button type="button" className="small" disabled={busy} onClick={() => void rollTo(r)} aria-label={`Roll back to revision ${r.number}`} data-testid="revision-rollback">
                    Roll back to this revision
                  </button>
                )}
              </td>
            </tr>
          ))}
          {revisions.length === 0 && (
            <tr>
              <td colSpan={6} className="empty">
                No revision yet: the first deployment creates one.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <ProblemMessage error={error} onReload={() => void onChanged()} />
    </>
  );
}
