// Log lines of one trace (or job, or service) from `log_lines`, oldest first, across services: a lookup form, a table
// with links to the jobs, and "Load more" while the API has further pages. Starts from `?trace_id=` when given.
import { useEffect, useState, type FormEvent } from "react";
import { Link } from "react-router";
import type { LogLine } from "../api/jobs";
import { searchLogs, type LogSearch } from "../api/observability";
import { formatTime, shortId } from "../format";
import { ProblemMessage } from "./ProblemMessage";

const TRACE_ID = /^[0-9a-f]{32}$/;

interface Props {
  initialTraceId?: string;
}

export function TraceLogs({ initialTraceId = "" }: Props) {
  const [traceId, setTraceId] = useState(initialTraceId);
  const [service, setService] = useState("");
  const [lines, setLines] = useState<LogLine[] | null>(null);
  const [next, setNext] = useState<string | undefined>();
  const [search, setSearch] = useState<LogSearch>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const valid = TRACE_ID.test(traceId.trim());

  // A link such as /observability?trace_id=… shows that trace's lines at once.
  useEffect(() => {
    if (!TRACE_ID.test(initialTraceId)) return;
    const s = { traceId: initialTraceId };
    setSearch(s);
    void load(s, false);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [initialTraceId]);

  async function load(s: LogSearch, append: boolean) {
    setBusy(true);
    setError(null);
    try {
      const page = (await searchLogs(s)).data;
      setLines((old) => (append && old ? [...old, ...(page?.lines ?? [])] : (page?.lines ?? [])));
      setNext(page?.next_page_token ?? undefined);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    if (!valid) return;
    const s = { traceId: traceId.trim(), service: service.trim() || undefined };
    setSearch(s);
    void load(s, false);
  }

  return (
    <section className="panel" aria-label="Logs by trace">
      <h2>Logs by trace id</h2>
      <form className="inline-form" onSubmit={submit}>
        <label>
          Trace id
          <input className="mono" value={traceId} onChange={(e) => setTraceId(e.target.value)} placeholder="32 hex digits" data-testid="trace-id" size={36} />
        </label>
        <label>
          Service
          <input value={service} onChange={(e) => setService(e.target.value)} placeholder="any" data-testid="trace-service" />
        </label>
        <button type="submit" disabled={!valid || busy} data-testid="trace-search">
          Show lines
        </button>
      </form>
      {traceId && !valid && <p className="muted small-print">A trace id is 32 lower-case hex digits (the middle part of a traceparent).</p>}
      <ProblemMessage error={error} />
      {lines && (
        <table>
          <thead>
            <tr>
              <th>Time</th>
              <th>Service</th>
              <th>Level</th>
              <th>Job</th>
              <th>Message</th>
            </tr>
          </thead>
          <tbody>
            {lines.map((l) => (
              <tr key={l.id} data-testid="trace-line" data-level={l.level}>
                <td>{formatTime(l.ts)}</td>
                <td>{l.service}</td>
                <td>{l.level}</td>
                <td className="mono">
                  {l.job_id ? (
                    <Link to={`/jobs/${l.job_id}`} title={l.job_id}>
                      {shortId(l.job_id)}
                    </Link>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
                <td>{l.message}</td>
              </tr>
            ))}
            {lines.length === 0 && (
              <tr>
                <td colSpan={5} className="empty">
                  No lines for this trace.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      )}
      {next && (
        <button type="button" disabled={busy} onClick={() => void load({ ...search, pageToken: next }, true)} data-testid="trace-more">
          Load more
        </button>
      )}
    </section>
  );
}
