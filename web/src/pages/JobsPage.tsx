// /jobs: the caller's jobs filtered by status, type, queue, priority and cluster (all in the URL), ordered, paged by
// page_token and reloaded by live job events; the enqueue form beside the list.
import { useSearchParams } from "react-router";
import { JOB_STATUSES, JOB_TYPES, listJobs } from "../api/jobs";
import { CreateJobForm } from "../components/CreateJobForm";
import { JobTable } from "../components/JobTable";
import { Pager, usePageTokens } from "../components/Pager";
import { ProblemMessage } from "../components/ProblemMessage";
import { aggregates, FALLBACK_POLL_MS, useResource } from "../hooks/useResource";

export const JOB_FILTERS = ["status", "type", "queue", "priority", "cluster_id", "order_by"] as const;

const ORDERS = [
  { value: "", label: "newest first" },
  { value: "created_at asc", label: "oldest first" },
  { value: "run_at asc", label: "run at, soonest" },
  { value: "priority asc", label: "priority, highest" },
];

export function JobsPage() {
  const [params, setParams] = useSearchParams();
  const f = Object.fromEntries(JOB_FILTERS.map((k) => [k, params.get(k) ?? ""])) as Record<(typeof JOB_FILTERS)[number], string>;
  const pages = usePageTokens();
  const pageToken = pages.token;
  const jobs = useResource(
    async (signal) =>
      (await listJobs({ status: f.status, type: f.type, queue: f.queue, priority: f.priority, clusterId: f.cluster_id, orderBy: f.order_by, pageToken }, signal)).data,
    [f.status, f.type, f.queue, f.priority, f.cluster_id, f.order_by, pageToken],
    { pollMs: FALLBACK_POLL_MS, live: aggregates("job") },
  );

  function setFilter(key: string, value: string, replace = false) {
    pages.reset();
    setParams(
      (p) => {
        if (value) p.set(key, value);
        else p.delete(key);
        return p;
      },
      { replace },
    );
  }

  const filtered = JOB_FILTERS.some((k) => k !== "order_by" && f[k]);
  return (
    <div className="layout">
      <section className="panel" aria-label="Jobs">
        <header className="panel-header">
          <h2>Jobs</h2>
          <span className="total" data-testid="jobs-total">
            {jobs.data?.meta ? `${jobs.data.meta.total} ${filtered ? "matching" : "total"}` : ""}
          </span>
        </header>
        <div className="filters">
          <select aria-label="Job status" value={f.status} onChange={(e) => setFilter("status", e.target.value)}>
            <option value="">any status</option>
            {JOB_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
          <select aria-label="Job type" value={f.type} onChange={(e) => setFilter("type", e.target.value)}>
            <option value="">any type</option>
            {JOB_TYPES.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
          <input aria-label="Job queue" placeholder="queue" value={f.queue} onChange={(e) => setFilter("queue", e.target.value, true)} />
          <select aria-label="Job priority" value={f.priority} onChange={(e) => setFilter("priority", e.target.value)}>
            <option value="">any priority</option>
            {Array.from({ length: 10 }, (_, i) => (
              <option key={i} value={String(i)}>
                priority {i}
              </option>
            ))}
          </select>
          <input aria-label="Job cluster" placeholder="cluster id" value={f.cluster_id} onChange={(e) => setFilter("cluster_id", e.target.value.trim(), true)} />
          <select aria-label="Job order" value={f.order_by} onChange={(e) => setFilter("order_by", e.target.value)}>
            {ORDERS.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
          <button type="button" onClick={() => jobs.reload()}>
            Refresh
          </button>
        </div>
        <ProblemMessage error={jobs.error} />
        {jobs.data && <JobTable jobs={jobs.data.jobs ?? []} onChanged={() => jobs.reload()} empty={filtered ? "No jobs match these filters." : "No jobs yet."} />}
        <Pager pages={pages} next={jobs.data?.next_page_token} />
      </section>
      <aside className="side">
        <section className="panel" aria-label="Enqueue a job">
          <h2>Enqueue a job</h2>
          <CreateJobForm onCreated={() => void jobs.reload()} />
        </section>
      </aside>
    </div>
  );
}
