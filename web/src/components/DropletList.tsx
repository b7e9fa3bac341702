// Droplet table with status/region filters, name search, paging and polling while droplets are in transition.
import { useCallback, useEffect, useState } from "react";
import { listDroplets, REGIONS, STATUSES, type DropletPage, type ListQuery } from "../api/droplets";
import { ProblemMessage } from "./ProblemMessage";
import { StatusPill } from "./StatusPill";

const POLL_MS = 3000;

interface Props {
  /** Bumped by the parent to force a reload (new token, a command was accepted). */
  refreshKey: number;
  /** Consistency token of the last accepted command, so the list shows it. */
  consistencyToken?: string;
  selectedId?: string;
  onSelect: (id: string) => void;
}

export function DropletList({ refreshKey, consistencyToken, selectedId, onSelect }: Props) {
  const [status, setStatus] = useState("");
  const [region, setRegion] = useState("");
  const [name, setName] = useState("");
  const [pageTokens, setPageTokens] = useState<string[]>([]);
  const [page, setPage] = useState<DropletPage | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);

  const pageToken = pageTokens[pageTokens.length - 1];
  const query: ListQuery = { status, region, name, pageToken };

  const load = useCallback(
    async (signal?: AbortSignal) => {
      setLoading(true);
      try {
        const res = await listDroplets({ status, region, name, pageToken }, consistencyToken, signal);
        setPage(res.data);
        setError(null);
      } catch (err) {
        if (!(err instanceof DOMException && err.name === "AbortError")) setError(err);
      } finally {
        setLoading(false);
      }
    },
    // refreshKey is a dependency on purpose: bumping it reloads the page.
    [status, region, name, pageToken, consistencyToken, refreshKey],
  );

  useEffect(() => {
    const ctl = new AbortController();
    load(ctl.signal);
    return () => ctl.abort();
  }, [load]);

  const transitioning = page?.droplets.some((d) => d.status === "new" || d.status === "deleting") ?? false;
  useEffect(() => {
    if (!transitioning) return;
    const timer = setInterval(() => load(), POLL_MS);
    return () => clearInterval(timer);
  }, [transitioning, load]);

  function resetPaging() {
    setPageTokens([]);
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
        <input
          aria-label="Search by name"
          placeholder="name starts with…"
          value={name}
          onChange={(e) => {
            setName(e.target.value);
            resetPaging();
          }}
        />
        <select
          aria-label="Status filter"
          value={status}
          onChange={(e) => {
            setStatus(e.target.value);
            resetPaging();
          }}
        >
          <option value="">any status</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
        <select
          aria-label="Region filter"
          value={region}
          onChange={(e) => {
            setRegion(e.target.value);
            resetPaging();
          }}
        >
          <option value="">any region</option>
          {REGIONS.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
        <button type="button" onClick={() => load()} disabled={loading}>
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
            </tr>
          ))}
          {page && page.droplets.length === 0 && (
            <tr>
              <td colSpan={5} className="empty">
                No droplets match{query.status || query.region || query.name ? " these filters" : " yet"}.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <footer className="pager">
        <button type="button" disabled={pageTokens.length === 0} onClick={() => setPageTokens((t) => t.slice(0, -1))}>
          Previous
        </button>
        <span>Page {pageTokens.length + 1}</span>
        <button
          type="button"
          disabled={!page?.next_page_token}
          onClick={() => page?.next_page_token && setPageTokens((t) => [...t, page.next_page_token!])}
        >
          Next page
        </button>
      </footer>
    </section>
  );
}
