// The one live connection of the SPA to `/events:stream`, shared by every page: opened while someone listens, closed
// when nobody does, reopened after a break or an overflow with `Last-Event-ID` (the last cursor seen), so nothing is
// lost or repeated. Its status tells pages when to fall back to slow polling: only while it is not live.
import { ApiError } from "./client";
import { streamEvents, type AuditEvent, type StreamHandlers } from "./events";

export type StreamStatus = "idle" | "connecting" | "live" | "down";

export type Open = (lastEventId: string | undefined, handlers: StreamHandlers, signal: AbortSignal) => Promise<void>;

export interface EventStreamOptions {
  open?: Open;
  /** Delay before reopening after the `attempt`-th failure in a row (ms). */
  backoff?: (attempt: number) => number;
}

const defaultBackoff = (attempt: number) => Math.min(30_000, 1000 * 2 ** Math.min(attempt, 5));

function isAbort(err: unknown): boolean {
  return err instanceof DOMException && err.name === "AbortError";
}

export class EventStream {
  private readonly open: Open;
  private readonly backoff: (attempt: number) => number;
  private readonly listeners = new Set<(e: AuditEvent) => void>();
  private readonly watchers = new Set<(s: StreamStatus) => void>();
  private ctl: AbortController | null = null;
  private cursor: string | undefined;
  private current: StreamStatus = "idle";

  constructor(opts: EventStreamOptions = {}) {
    this.open = opts.open ?? streamEvents;
    this.backoff = opts.backoff ?? defaultBackoff;
  }

  get status(): StreamStatus {
    return this.current;
  }

  /** The cursor a reconnect resumes from. */
  get lastEventId(): string | undefined {
    return this.cursor;
  }

  /** Listens to every event the caller may see; the connection lives while anyone listens. */
  subscribe(listener: (e: AuditEvent) => void): () => void {
    this.listeners.add(listener);
    if (!this.ctl) this.start();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  }

  onStatus(watcher: (s: StreamStatus) => void): () => void {
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }

  private setStatus(s: StreamStatus) {
    if (s === this.current) return;
    this.current = s;
    for (const w of this.watchers) w(s);
  }

  private stop() {
    this.ctl?.abort();
    this.ctl = null;
    this.setStatus("idle");
  }

  private start() {
    const ctl = new AbortController();
    this.ctl = ctl;
    void this.loop(ctl.signal);
  }

  private async loop(signal: AbortSignal) {
    let failures = 0;
    while (!signal.aborted) {
      this.setStatus(failures === 0 ? "connecting" : "down");
      let delivered = false;
      try {
        await this.open(
          this.cursor,
          {
            onReady: (cursor) => {
              if (cursor) this.cursor = cursor;
              failures = 0;
              this.setStatus("live");
            },
            onEvent: (event, cursor) => {
              delivered = true;
              if (cursor) this.cursor = cursor;
              for (const l of this.listeners) l(event);
            },
            onOverflow: (cursor) => {
              if (cursor) this.cursor = cursor;
            },
          },
          signal,
        );
        // An overflow ends the stream on purpose: reopen at once from its cursor.
        continue;
      } catch (err) {
        if (signal.aborted || isAbort(err)) return;
        if (err instanceof ApiError && err.status === 401) {
          this.setStatus("down");
          return;
        }
        if (delivered) failures = 0;
      }
      failures += 1;
      this.setStatus("down");
      await sleep(this.backoff(failures), signal);
    }
  }
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

/** The SPA's shared stream. */
export const eventStream = new EventStream();
