// Shows an API error next to the control that caused it; 412 gets a "reload" hint.
import { ApiError } from "../api/client";

interface Props {
  error: unknown;
  onReload?: () => void;
}

export function ProblemMessage({ error, onReload }: Props) {
  if (!error) return null;
  if (error instanceof ApiError && error.isStale) {
    return (
      <div className="problem" role="alert">
        Changed by someone else — reload.{" "}
        {onReload && (
          <button type="button" className="link" onClick={onReload}>
            Reload
          </button>
        )}
      </div>
    );
  }
  const text = error instanceof ApiError ? error.problem.detail || error.problem.title : String(error);
  const code = error instanceof ApiError ? error.problem.code : undefined;
  return (
    <div className="problem" role="alert">
      {text}
      {code && <span className="problem-code"> ({code})</span>}
    </div>
  );
}
