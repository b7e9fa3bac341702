// Droplet table with status/region/tag filters, name search and paging, reloaded by live droplet events (polled
// every POLL_MS only while the event stream is down).
import { useState } from "react";
import { Link } from "react-router";
import { listDroplets, STATUSES } from "../api/droplets";
import { shortId } from "../format";
import { useCatalog } from "../hooks/useCatalog";
import { aggregates, FALLBACK_POLL_MS, useResource } from "../hooks/useResource";
import { ProblemMessage } from "./ProblemMessage";
import { StatusPill } from "./StatusPill";
import { Pager, usePageTokens } from "./Pager";

export const POLL_MS = FALLBACK_POLL_MS;

interface Props {
  /** Bumped by the parent to force a reload (new token, a command was accepted). */
  refreshKey: number;
  selectedId?: string;
  onSelect: (id: string) => void;
}

export function DropletList({ refreshKey, selectedId, onSelect }: Props) {
  const { regions } = useCatalog();
  const [status, setStatus] = useState("");
  const [region, setRegion] = useState("");
  const [name, setName] = useState("");
  const [tag, setTag] = useState("");
  const pages = usePageTokens();

  const pageToken = pages.token;
  const { data: page, error, loading, reload } = useResource(
    async (signal) => (await listDroplets({ status, region, name, tag, pageToken }, undefined, signal)).data,
    [status, region, name, tag, pageToken, refreshKey],
    { pollMs: POLL_MS, live: aggregates("droplet") },
  );
  const filtered = !!(status || region || name || tag);

  function filter(set: (v: string) => void) {
    return (e: { target: { value: string } }) => {
      set(e.target.value);
      pages.reset();
    };
  }

  return (
    <section className="panel droplet-list" aria-label="Droplets">
      <header className="panel-header">
        <h2>Droplets</h2>
        <span className="total" data-testid="total">
          {page ? `${page.meta.total} total` : ""}
        </span>
      </header>
      <div className="filters">
        <input aria-label="Search by name" placeholder="name starts with…" value={name} onChange={filter(setName)} />
        <select aria-label="Status filter" value={status} onChange={filter(setStatus)}>
          <option value="">any status</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
        <select aria-label="Region filter" value={region} onChange={filter(setRegion)}>
          <option value="">any region</option>
          {regions.map((r) => (
            <option key={r.slug} value={r.slug}>
              {r.slug}
            </option>
          ))}
        </select>
        <input aria-label="Tag filter" placeholder="tag" value={tag} onChange={filter(setTag)} />
        <button type="button" onClick={() => reload()} disabled={loading}>
          Refresh
        </button>
      </div>
      <ProblemMessage error={error} />
      <table>
        <thead>
          <tr>
            <th>Name</th>
            <th>Status</th>
            <th>Region</th>
            <th>Size</th>
            <th>IP</th>
            <th>Tags</th>
            <th>Cluster</th>
          </tr>
        </thead>
        <tbody>
          {page?.droplets.map((d) => (
            <tr
              key={d.id}
              className={d.id === selectedId ? "selected" : undefined}
              onClick={() => onSelect(d.id)}
              data-testid="droplet-row"
            >
              <td>
                <button type="button" className="link" onClick={() => onSelect(d.id)}>
                  {d.name}
                </button>
              </td>
              <td>
                <StatusPill status={d.status} locked={d.locked} />
              </td>
              <td>{d.region}</td>
              <td>{d.size_slug}</td>
              <td>{d.networks?.v4?.[0]?.ip_address ?? "—"}</td>
              <td>
                {d.tags?.map((t) => (
                  <span key={t} className="chip">
                    {t}
                  </span>
                ))}
              </td>
              <td onClick={(e) => e.stopPropagation()}>
                {d.cluster_id ? (
                  <Link to={`/clusters/${d.cluster_id}`} title={d.cluster_id}>
                    {shortId(d.cluster_id)}
                  </Link>
                ) : (
                  <span className="muted">—</span>
                )}
              </td>
            </tr>
          ))}
          {page && page.droplets.length === 0 && (
            <tr>
              <td colSpan={7} className="empty">
                No droplets match{filtered ? " these filters" : " yet"}.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <Pager pages={pages} next={page?.next_page_token} />
    </section>
  );
}
