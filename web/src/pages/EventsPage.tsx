// /events: the audit feed — every event of the caller's aggregates (all of them for admins), newest first, filtered by
// aggregate type and id. New events arrive live from the shared event stream and are put on top; older ones page in
// with "Older events". While the stream is down the first page is polled slowly instead.
import { useEffect, useMemo, useState } from "react";
import { Link } from "react-router";
import { listEvents, type AuditEvent } from "../api/events";
import { eventStream } from "../api/eventStream";
import { ProblemMessage } from "../components/ProblemMessage";
import { formatTime, shortId } from "../format";
import { FALLBACK_POLL_MS, useResource, useStreamStatus } from "../hooks/useResource";

export const AGGREGATE_TYPES = ["droplet", "cluster", "job", "job_queue", "rate_limit_policy", "name_reservation"];
/** Live events kept on top of the first page at most. */
const MAX_LIVE = 200;

function linkOf(e: AuditEvent): string | undefined {
  const { kind, id } = e.aggregate;
  if (kind === "droplet") return `/droplets?selected=${id}`;
  if (kind === "cluster") return `/clusters/${id}`;
  if (kind === "job") return `/jobs/${id}`;
  return undefined;
}

function summaryText(e: AuditEvent): string {
  if (e.summary.message) return e.summary.message;
  const ops = e.summary.operations ?? [];
  return ops.map((o) => `operation ${shortId(o.id)} ${o.change}${typeof o.percent === "number" ? ` ${o.percent} %` : ""}`).join("; ");
}

const neverReload = () => false;

export function EventsPage() {
  const [kind, setKind] = useState("");
  const [aggregateId, setAggregateId] = useState("");
  const [older, setOlder] = useState<AuditEvent[]>([]);
  const [olderToken, setOlderToken] = useState<string | undefined>(undefined);
  const [live, setLive] = useState<AuditEvent[]>([]);
  const [loadError, setLoadError] = useState<unknown>(null);
  const status = useStreamStatus();
  const id = aggregateId.trim();

  // Live events are appended by the subscription below, so the first page is only reloaded (slowly) while the stream is down.
  const first = useResource(async (signal) => (await listEvents({ aggregateType: kind, aggregateId: id }, signal)).data, [kind, id], {
    pollMs: FALLBACK_POLL_MS,
    live: neverReload,
    resetOnChange: true,
  });

  useEffect(() => {
    setLive([]);
    setOlder([]);
    setOlderToken(undefined);
    return eventStream.subscribe((e) => {
      if (kind && e.aggregate.kind !== kind) return;
      if (id && e.aggregate.id !== id) return;
      setLive((old) => [e, ...old].slice(0, MAX_LIVE));
    });
  }, [kind, id]);

  const events = useMemo(() => {
    const seen = new Set<string>();
    const unique = [...live, ...(first.data?.events ?? []), ...older].filter((e) => !seen.has(e.id) && !!seen.add(e.id));
    // Newest first, like the list: an event both listed and streamed keeps its place.
    return unique.sort((a, b) => b.recorded_at.localeCompare(a.recorded_at));
  }, [live, first.data, older]);
  const nextToken = older.length ? olderToken : first.data?.next_page_token;

  async function loadOlder() {
    try {
      const page = (await listEvents({ aggregateType: kind, aggregateId: id, pageToken: nextToken })).data;
      setOlder((old) => [...old, ...page.events]);
      setOlderToken(page.next_page_token);
      setLoadError(null);
    } catch (err) {
      setLoadError(err);
    }
  }

  return (
    <section className="panel" aria-label="Events">
      <header className="panel-header">
        <h2>Events</h2>
        <span className={`stream-status stream-${status}`} data-testid="stream-status">
          {status === "live" ? "live" : status === "down" ? `reconnecting (polling every ${FALLBACK_POLL_MS / 1000} s)` : "connecting"}
        </span>
      </header>
      <div className="filters">
        <label>
          Aggregate type
          <select value={kind} onChange={(e) => setKind(e.target.value)} aria-label="Aggregate type">
            <option value="">all</option>
            {AGGREGATE_TYPES.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <label>
          Aggregate id
          <input value={aggregateId} onChange={(e) => setAggregateId(e.target.value)} placeholder="uuid" aria-label="Aggregate id" />
        </label>
      </div>
      <ProblemMessage error={first.error ?? loadError} />
      <table className="events">
        <thead>
          <tr>
            <th>Recorded</th>
            <th>Event</th>
            <th>Aggregate</th>
            <th>Command</th>
            <th>By</th>
            <th>Summary</th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => {
            const to = linkOf(e);
            return (
              <tr key={e.id} data-testid="event-row">
                <td>{formatTime(e.recorded_at)}</td>
                <td>
                  {e.type} <span className="muted">v{e.aggregate_version}</span>
                </td>
                <td>
                  {e.aggregate.kind} {to ? <Link to={to}>{shortId(e.aggregate.id)}</Link> : shortId(e.aggregate.id)}
                </td>
                <td>{e.command}</td>
                <td>{e.principal}</td>
                <td>{summaryText(e)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {!first.loading && events.length === 0 && <p className="muted">No events yet.</p>}
      {nextToken && (
        <button type="button" onClick={() => void loadOlder()}>
          Older events
        </button>
      )}
    </section>
  );
}
