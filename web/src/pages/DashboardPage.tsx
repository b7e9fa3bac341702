// /: readiness with per-dependency status, droplet/cluster/operation/job counts from meta.total, recent operations, quick links; reloaded by live events.
import { Link } from "react-router";
import { countClusters } from "../api/clusters";
import { listDroplets } from "../api/droplets";
import { countJobs } from "../api/jobs";
import { listOperations } from "../api/operations";
import { fetchReadiness } from "../api/readiness";
import { OperationTable } from "../components/OperationTable";
import { ProblemMessage } from "../components/ProblemMessage";
import { StatusPill } from "../components/StatusPill";
import { aggregates, FALLBACK_POLL_MS, useResource } from "../hooks/useResource";

interface Counts {
  droplets: number;
  activeDroplets: number;
  clusters: number;
  runningClusters: number;
  runningOps: number;
  pendingOps: number;
}

async function loadCounts(signal: AbortSignal): Promise<Counts> {
  const total = (p: Promise<{ data: { meta?: { total: number } } }>) => p.then((r) => r.data?.meta?.total ?? 0);
  const [droplets, activeDroplets, clusters, runningClusters, runningOps, pendingOps] = await Promise.all([
    total(listDroplets({ pageSize: 1 }, undefined, signal)),
    total(listDroplets({ status: "active", pageSize: 1 }, undefined, signal)),
    countClusters(undefined, signal),
    countClusters("running", signal),
    total(listOperations({ status: "running", pageSize: 1 }, signal)),
    total(listOperations({ status: "pending", pageSize: 1 }, signal)),
  ]);
  return { droplets, activeDroplets, clusters, runningClusters, runningOps, pendingOps };
}

function checkState(value: unknown): string {
  if (value && typeof value === "object" && "status" in value) return String((value as { status: unknown }).status);
  return String(value);
}

function Card({ label, value, sub, to, testid }: { label: string; value?: number; sub?: string; to: string; testid: string }) {
  return (
    <Link to={to} className="card" data-testid={testid}>
      <span className="card-label">{label}</span>
      <span className="card-value">{value ?? "…"}</span>
      {sub && <span className="card-sub">{sub}</span>}
    </Link>
  );
}

export function DashboardPage() {
  const ready = useResource(() => fetchReadiness(), [], { pollMs: 10_000 });
  const counts = useResource(loadCounts, [], { pollMs: FALLBACK_POLL_MS, live: aggregates("droplet", "cluster", "job") });
  // Its own resource: a backend without jobs must not blank the other cards.
  const jobs = useResource(async (signal) => {
    const [running, queued, dead] = await Promise.all([countJobs("running", signal), countJobs("queued", signal), countJobs("dead", signal)]);
    return { running, queued, dead };
  }, [], { pollMs: FALLBACK_POLL_MS, live: aggregates("job") });
  const recent = useResource(async (signal) => (await listOperations({ pageSize: 5 }, signal)).data, [], { pollMs: FALLBACK_POLL_MS, live: (e) => ["droplet", "cluster", "job"].includes(e.aggregate.kind) });
  const c = counts.data;

  return (
    <div className="page">
      <div className="cards">
        <Card label="Droplets" value={c?.droplets} sub={c ? `${c.activeDroplets} active` : undefined} to="/droplets" testid="dash-droplets" />
        <Card label="Clusters" value={c?.clusters} sub={c ? `${c.runningClusters} running` : undefined} to="/clusters" testid="dash-clusters" />
        <Card
          label="Operations in progress"
          value={c ? c.runningOps + c.pendingOps : undefined}
          sub={c ? `${c.runningOps} running, ${c.pendingOps} pending` : undefined}
          to="/operations?status=running"
          testid="dash-operations"
        />
        <Card
          label="Jobs active"
          value={jobs.data ? jobs.data.running + jobs.data.queued : undefined}
          sub={jobs.data ? `${jobs.data.running} running, ${jobs.data.queued} queued${jobs.data.dead ? `, ${jobs.data.dead} dead` : ""}` : jobs.error ? "unavailable" : undefined}
          to="/jobs?status=running"
          testid="dash-jobs"
        />
      </div>
      <ProblemMessage error={counts.error} />
      <div className="layout">
        <section className="panel" aria-label="Recent operations">
          <header className="panel-header">
            <h2>Recent operations</h2>
            <Link to="/operations">all operations</Link>
          </header>
          <ProblemMessage error={recent.error} />
          {recent.data && <OperationTable operations={recent.data.operations ?? []} onChanged={() => recent.reload()} />}
        </section>
        <aside className="side">
          <section className="panel" aria-label="Backend">
            <h2>Backend</h2>
            <p>
              API: <StatusPill status={ready.data?.status ?? "unknown"} testid="dash-readiness" />
            </p>
            <ul className="checks">
              {Object.entries(ready.data?.checks ?? {}).map(([name, value]) => (
                <li key={name}>
                  {name}: <StatusPill status={checkState(value)} />
                </li>
              ))}
            </ul>
          </section>
          <section className="panel" aria-label="Quick links">
            <h2>Quick links</h2>
            <ul className="quick-links">
              <li>
                <Link to="/droplets">Create a droplet</Link>
              </li>
              <li>
                <Link to="/clusters/new">Create a cluster</Link>
              </li>
              <li>
                <Link to="/operations?status=running">Running operations</Link>
              </li>
              <li>
                <Link to="/jobs">Jobs</Link>
              </li>
            </ul>
          </section>
        </aside>
      </div>
    </div>
  );
}
