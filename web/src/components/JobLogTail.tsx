// Live tail of a job's log lines: the SSE stream `/jobs/{id}/logs:stream` (read with fetch so the bearer token goes along),
// resumed after the last line seen when it breaks; if it cannot be opened at all, pages of `/jobs/{id}/logs` are polled.
import { useEffect, useRef, useState } from "react";
import { ApiError } from "../api/client";
import { listLogs, streamLogs, type LogLine } from "../api/jobs";
import { formatTime } from "../format";
import { ProblemMessage } from "./ProblemMessage";

export const POLL_LOGS_MS = 2000;
/** Reopen attempts of a stream that broke off, a second apart, before falling back to polling. */
const STREAM_RETRIES = 3;
const REOPEN_MS = 1000;

type Mode = "connecting" | "live" | "polling" | "ended";

interface Props {
  jobId: string;
  /** The job is finished: polling stops once no new lines come. */
  terminal: boolean;
}

function isAbort(err: unknown): boolean {
  return err instanceof DOMException && err.name === "AbortError";
}

function fatal(err: unknown): boolean {
  return err instanceof ApiError && [401, 403, 404].includes(err.status);
}

/** The stream could not be opened at all (an HTTP answer that is no event stream): polling is the way. */
function unopenable(err: unknown): boolean {
  return err instanceof ApiError && err.status !== 0;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(t);
      resolve();
    });
  });
}

export function JobLogTail({ jobId, terminal }: Props) {
  const [lines, setLines] = useState<LogLine[]>([]);
  const [mode, setMode] = useState<Mode>("connecting");
  const [endStatus, setEndStatus] = useState("");
  const [error, setError] = useState<unknown>(null);
  const terminalRef = useRef(terminal);
  terminalRef.current = terminal;
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const ctl = new AbortController();
    let lastId: number | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    setLines([]);
    setMode("connecting");
    setError(null);

    const append = (incoming: LogLine[]) => {
      const fresh = incoming.filter((l) => lastId === undefined || l.id > lastId);
      if (!fresh.length) return 0;
      lastId = fresh[fresh.length - 1].id;
      setLines((old) => [...old, ...fresh]);
      return fresh.length;
    };

    async function poll() {
      if (ctl.signal.aborted) return;
      try {
        let got = 0;
        for (;;) {
          const page = (await listLogs(jobId, { pageToken: lastId === undefined ? undefined : String(lastId) }, ctl.signal)).data;
          got += append(page?.lines ?? []);
          if (!page?.next_page_token) break;
        }
        setError(null);
        if (terminalRef.current && got === 0) {
          setMode("ended");
          return;
        }
      } catch (err) {
        if (isAbort(err)) return;
        setError(err);
        if (fatal(err)) return;
      }
      timer = setTimeout(poll, POLL_LOGS_MS);
    }

    async function stream() {
      for (let tries = 0; tries <= STREAM_RETRIES; tries++) {
        const before = lastId;
        try {
          await streamLogs(
            jobId,
            lastId,
            {
              onLine: (line) => {
                setMode("live");
                append([line]);
              },
              onEnd: (status) => setEndStatus(status),
            },
            ctl.signal,
          );
          setMode("ended");
          return;
        } catch (err) {
          if (isAbort(err) || ctl.signal.aborted) return;
          if (fatal(err)) {
            setError(err);
            setMode("ended");
            return;
          }
          if (unopenable(err)) break;
          // A stream that delivered lines before it broke off earns a fresh set of reopen attempts.
          if (lastId !== before) tries = 0;
          await sleep(REOPEN_MS, ctl.signal);
          if (ctl.signal.aborted) return;
        }
      }
      setMode("polling");
      void poll();
    }

    void stream();
    return () => {
      ctl.abort();
      clearTimeout(timer);
    };
  }, [jobId]);

  useEffect(() => {
    const el = box.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [lines]);

  const label =
    mode === "live" || mode === "connecting" ? "live" : mode === "polling" ? `polling every ${POLL_LOGS_MS / 1000} s` : `ended${endStatus ? ` (${endStatus})` : ""}`;
  return (
    <div className="log-tail-wrap">
      <div className="panel-header">
        <h3>Log</h3>
        <span className={`pill log-mode log-${mode}`} data-testid="log-mode">
          {label}
        </span>
      </div>
      <div className="log-tail" ref={box} data-testid="log-tail" role="log" aria-live="polite">
        {lines.map((l) => (
          <div key={l.id} className={`log-line level-${l.level}`} data-testid="log-line">
            <span className="muted">{formatTime(l.ts)}</span> {l.attempt !== null && <span className="muted">#{l.attempt}</span>}{" "}
            <span className="log-level">{l.level}</span> {l.message}
          </div>
        ))}
        {lines.length === 0 && <div className="muted">{mode === "ended" ? "No log lines." : "Waiting for log lines…"}</div>}
      </div>
      <ProblemMessage error={error} />
    </div>
  );
}
