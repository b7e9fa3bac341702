// /clusters: status cards that filter (?status=), name search (?name=*x*), and the cluster table with paging; reloaded by live cluster events.
import { Link, useSearchParams } from "react-router";
import { listClusters } from "../api/clusters";
import { ClusterStatusCards } from "../components/ClusterStatusCards";
import { ProblemMessage } from "../components/ProblemMessage";
import { StatusPill } from "../components/StatusPill";
import { formatTime } from "../format";
import { aggregates, FALLBACK_POLL_MS, useResource } from "../hooks/useResource";
import { Pager, usePageTokens } from "../components/Pager";

export function ClustersPage() {
  const [params, setParams] = useSearchParams();
  const status = params.get("status") ?? "";
  const search = params.get("q") ?? "";
  const pages = usePageTokens();
  const pageToken = pages.token;
  const list = useResource(async (signal) => (await listClusters({ status, search, pageToken }, signal)).data, [status, search, pageToken], {
    pollMs: FALLBACK_POLL_MS,
    live: aggregates("cluster"),
  });

  function setParam(key: string, value: string) {
    pages.reset();
    setParams(
      (p) => {
        if (value) p.set(key, value);
        else p.delete(key);
        return p;
      },
      { replace: key === "q" },
    );
  }

  const page = list.data;
  return (
    <div className="page">
      <ClusterStatusCards active={status} onPick={(s) => setParam("status", s)} />
      <section className="panel" aria-label="Clusters">
        <header className="panel-header">
          <h2>Clusters</h2>
          <span className="total" data-testid="clusters-total">
            {page ? `${page.meta.total} ${status ? status : "total"}` : ""}
          </span>
          <Link to="/clusters/new" className="button primary" data-testid="new-cluster">
            Create cluster
          </Link>
        </header>
        <div className="filters">
          <input aria-label="Search clusters by name" placeholder="name contains…" value={search} onChange={(e) => setParam("q", e.target.value)} />
          {status && (
            <button type="button" onClick={() => setParam("status", "")}>
              Clear status filter ({status})
            </button>
          )}
          <button type="button" onClick={() => list.reload()}>
            Refresh
          </button>
        </div>
        <ProblemMessage error={list.error} />
        <table>
          <thead>
            <tr>
              <th>Name</th>
              <th>Region</th>
              <th>Status</th>
              <th>Node pools</th>
              <th>Nodes (desired)</th>
              <th>Created</th>
            </tr>
          </thead>
          <tbody>
            {page?.clusters.map((c) => (
              <tr key={c.id} data-testid="cluster-row">
                <td>
                  <Link to={`/clusters/${c.id}`}>{c.name}</Link>
                </td>
                <td>{c.region}</td>
                <td>
                  <StatusPill status={c.status.state} />
                  {c.status.message && <span className="muted status-message"> {c.status.message}</span>}
                </td>
                <td>{c.node_pools?.length ?? 0}</td>
                <td>{(c.node_pools ?? []).reduce((n, p) => n + p.count, 0)}</td>
                <td>{formatTime(c.created_at)}</td>
              </tr>
            ))}
            {page && page.clusters.length === 0 && (
              <tr>
                <td colSpan={6} className="empty">
                  {status || search ? "No clusters match these filters." : "No clusters yet."}
                </td>
              </tr>
            )}
          </tbody>
        </table>
        <Pager pages={pages} next={page?.next_page_token} />
      </section>
    </div>
  );
}
