// Data hook: loads on mount and when `deps` change, re-polls every `pollMs` while the tab is visible, ignores stale answers.
import { useCallback, useEffect, useRef, useState } from "react";

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
}

function visible(): boolean {
  return typeof document === "undefined" || document.visibilityState === "visible";
}

function isAbort(err: unknown): boolean {
  return err instanceof DOMException && err.name === "AbortError";
}

export function useResource<T>(load: (signal: AbortSignal) => Promise<T>, deps: readonly unknown[], opts: ResourceOptions = {}): Resource<T> {
  const { pollMs = 0, enabled = true, resetOnChange = false } = opts;
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
    if (!enabled || !pollMs) return;
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
  }, [run, enabled, pollMs]);

  return { data, error, loading, reload: run };
}
