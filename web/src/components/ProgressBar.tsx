// Horizontal progress bar for an operation's percent, with its step text as the label.
export function ProgressBar({ percent, label }: { percent: number; label?: string }) {
  const p = Math.max(0, Math.min(100, Math.round(percent)));
  return (
    <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={p} aria-label={label ?? "progress"}>
      <div className="progress-fill" style={{ width: `${p}%` }} />
      <span className="progress-text">
        {p}%{label ? ` · ${label}` : ""}
      </span>
    </div>
  );
}
