// Data hook: loads on mount and when `deps` change, ignores stale answers. With `live`, it reloads when the shared
// event stream brings a matching event and polls every `pollMs` only while that stream is down; without it, it
// re-polls every `pollMs` while the tab is visible.
import { useCallback, useEffect, useRef, useState } from "react";
import type { AuditEvent } from "../api/events";
import { eventStream, type StreamStatus } from "../api/eventStream";

/** The slow poll of live pages while their event stream is down. */
export const FALLBACK_POLL_MS = 10_000;
/** Events arriving within this window cause one reload. */
const COALESCE_MS = 150;

export interface Resource<T> {
  data: T | undefined;
  error: unknown;
  /** True until the first answer (or failure) for the current deps. */
  loading: boolean;
  /** Loads again now; resolves when the answer is in. */
  reload: () => Promise<void>;
}

export interface ResourceOptions {
  /** Poll interval in ms; 0 or undefined = no polling. */
  pollMs?: number;
  /** When false nothing is loaded (e.g. no id yet). */
  enabled?: boolean;
  /** Drop the previous answer when deps change (a different resource), instead of showing it until the new one arrives. */
  resetOnChange?: boolean;
  /** Reload when the event stream brings an event this returns true for; `pollMs` then applies only while the stream is down. */
  live?: (event: AuditEvent) => boolean;
}

/** A `live` matcher for events of these aggregate types. */
export function aggregates(...kinds: string[]): (event: AuditEvent) => boolean {
  return (event) => kinds.includes(event.aggregate.kind);
}

/** A `live` matcher for the events of one aggregate. */
export function aggregate(id: string | undefined): (event: AuditEvent) => boolean {
  return (event) => event.aggregate.id === id;
}

function visible(): boolean {
  return typeof document === "undefined" || document.visibilityState === "visible";
}

function isAbort(err: unknown): boolean {
  return err instanceof DOMException && err.name === "AbortError";
}

export function useResource<T>(load: (signal: AbortSignal) => Promise<T>, deps: readonly unknown[], opts: ResourceOptions = {}): Resource<T> {
  const { pollMs = 0, enabled = true, resetOnChange = false, live } = opts;
  const liveRef = useRef(live);
  liveRef.current = live;
  const isLive = live !== undefined;
  const streamStatus = useStreamStatus(enabled && isLive);
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(enabled);
  const loadRef = useRef(load);
  loadRef.current = load;
  const seq = useRef(0);
  const ctl = useRef<AbortController | null>(null);
  const inFlight = useRef(false);

  const run = useCallback(async () => {
    const mine = ++seq.current;
    ctl.current?.abort();
    const c = new AbortController();
    ctl.current = c;
    inFlight.current = true;
    try {
      const value = await loadRef.current(c.signal);
      if (mine !== seq.current) return;
      setData(value);
      setError(null);
    } catch (err) {
      if (mine !== seq.current || isAbort(err)) return;
      setError(err);
    } finally {
      if (mine === seq.current) {
        inFlight.current = false;
        setLoading(false);
      }
    }
    // deps decide when a fresh load starts; `load` itself is read through the ref.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);

  const first = useRef(true);
  useEffect(() => {
    if (!enabled) return;
    if (resetOnChange && !first.current) {
      setData(undefined);
      setError(null);
    }
    first.current = false;
    setLoading(true);
    void run();
    return () => {
      seq.current += 1;
      ctl.current?.abort();
      inFlight.current = false;
    };
  }, [run, enabled, resetOnChange]);

  useEffect(() => {
    if (!enabled || !isLive) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const unsubscribe = eventStream.subscribe((event) => {
      if (!liveRef.current?.(event) || timer !== undefined) return;
      timer = setTimeout(() => {
        timer = undefined;
        void run();
      }, COALESCE_MS);
    });
    return () => {
      clearTimeout(timer);
      unsubscribe();
    };
  }, [run, enabled, isLive]);

  // A stream that comes back may have missed nothing, but the page may have: load once when it turns live again.
  const wasLive = useRef(eventStream.status === "live");
  useEffect(() => {
    if (streamStatus === "live" && !wasLive.current && !first.current && !inFlight.current) void run();
    wasLive.current = streamStatus === "live";
  }, [streamStatus, run]);

  const polling = isLive ? (streamStatus === "live" ? 0 : pollMs) : pollMs;
  useEffect(() => {
    if (!enabled || !polling) return;
    const pollMs = polling;
    const timer = setInterval(() => {
      if (visible() && !inFlight.current) void run();
    }, pollMs);
    const onVisibility = () => {
      if (visible() && !inFlight.current) void run();
    };
    document.addEventListener("visibilitychange", onVisibility);
    return () => {
      clearInterval(timer);
      document.removeEventListener("visibilitychange", onVisibility);
    };
  }, [run, enabled, polling]);

  return { data, error, loading, reload: run };
}

/** The shared stream's status, while `watch` is true. */
export function useStreamStatus(watch = true): StreamStatus {
  const [status, setStatus] = useState<StreamStatus>(eventStream.status);
  useEffect(() => {
    if (!watch) return;
    setStatus(eventStream.status);
    return eventStream.onStatus(setStatus);
  }, [watch]);
  return status;
}
