// Coloured pill for a droplet, cluster, node, pool or operation status.
export function StatusPill({ status, locked, testid }: { status: string; locked?: boolean; testid?: string }) {
  return (
    <span className={`pill status-${status}`} title={locked ? "an operation is in progress" : undefined} data-testid={testid}>
      {status}
      {locked ? " · locked" : ""}
    </span>
  );
}
