// Coloured pill for a droplet status.
export function StatusPill({ status, locked }: { status: string; locked?: boolean }) {
  return (
    <span className={`pill status-${status}`} title={locked ? "an operation is in progress" : undefined}>
      {status}
      {locked ? " · locked" : ""}
    </span>
  );
}
