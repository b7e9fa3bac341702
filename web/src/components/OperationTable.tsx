// Table of operations: type, target link, status, progress, times, error; Cancel for those still in progress.
import { useState } from "react";
import { cancellable, cancelOperation, type Operation } from "../api/operations";
import { useToast } from "../context/toast";
import { formatTime } from "../format";
import { ProgressBar } from "./ProgressBar";
import { StatusPill } from "./StatusPill";
import { TargetLink } from "./TargetLink";

interface Props {
  operations: Operation[];
  /** Called after a cancel was accepted (or refused) so the owner reloads. */
  onChanged?: () => void;
  /** Leave out the target column (the page is about the target already). */
  hideTarget?: boolean;
  empty?: string;
}

export function OperationTable({ operations, onChanged, hideTarget, empty = "No operations yet." }: Props) {
  const toast = useToast();
  const [busy, setBusy] = useState<string | null>(null);

  async function cancel(op: Operation) {
    setBusy(op.id);
    try {
      await cancelOperation(op.id);
      toast.info(`Cancel requested for ${op.type}.`);
    } catch (err) {
      toast.error(err);
    } finally {
      setBusy(null);
      onChanged?.();
    }
  }

  return (
    <table className="operations">
      <thead>
        <tr>
          <th>Type</th>
          {!hideTarget && <th>Target</th>}
          <th>Status</th>
          <th>Progress</th>
          <th>Started</th>
          <th>Completed</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {operations.map((op) => {
          const step = op.progress?.message || op.progress?.step || undefined;
          return (
            <tr key={op.id} data-testid="operation-row" data-status={op.status}>
              <td className="mono" title={op.id}>
                {op.type}
              </td>
              {!hideTarget && (
                <td>
                  <TargetLink kind={op.target.kind} id={op.target.id} />
                </td>
              )}
              <td>
                <StatusPill status={op.status} />
                {op.cancel_requested && !op.done && <span className="muted"> cancelling…</span>}
              </td>
              <td className="progress-cell">
                {op.done && op.error ? (
                  <span className="error-text">{op.error.detail || op.error.title}</span>
                ) : (
                  <ProgressBar percent={op.progress?.percent ?? (op.done ? 100 : 0)} label={step} />
                )}
              </td>
              <td>{formatTime(op.created_at)}</td>
              <td>{formatTime(op.completed_at)}</td>
              <td>
                {cancellable(op) && (
                  <button type="button" className="small" disabled={busy === op.id} onClick={() => cancel(op)} data-testid="cancel-operation">
                    Cancel
                  </button>
                )}
              </td>
            </tr>
          );
        })}
        {operations.length === 0 && (
          <tr>
            <td colSpan={hideTarget ? 6 : 7} className="empty">
              {empty}
            </td>
          </tr>
        )}
      </tbody>
    </table>
  );
}
