// Provides useToast() and renders the toasts top right; each disappears after 4 s or when closed.
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { errorText } from "../api/client";
import { TOAST_MS, ToastContext, type ToastItem, type ToastKind, type Toaster } from "../context/toast";

export function ToastProvider({ children }: { children: ReactNode }) {
  const [items, setItems] = useState<ToastItem[]>([]);
  const next = useRef(1);
  const timers = useRef(new Map<number, ReturnType<typeof setTimeout>>());

  const dismiss = useCallback((id: number) => {
    setItems((list) => list.filter((t) => t.id !== id));
    clearTimeout(timers.current.get(id));
    timers.current.delete(id);
  }, []);

  const show = useCallback(
    (kind: ToastKind, text: string) => {
      const id = next.current++;
      setItems((list) => [...list.slice(-4), { id, kind, text }]);
      timers.current.set(
        id,
        setTimeout(() => dismiss(id), TOAST_MS),
      );
    },
    [dismiss],
  );

  useEffect(() => {
    const map = timers.current;
    return () => map.forEach((t) => clearTimeout(t));
  }, []);

  const toaster = useMemo<Toaster>(
    () => ({
      show,
      success: (text) => show("success", text),
      error: (err) => show("error", errorText(err)),
      info: (text) => show("info", text),
      warning: (text) => show("warning", text),
    }),
    [show],
  );

  return (
    <ToastContext.Provider value={toaster}>
      {children}
      <div className="toasts" aria-live="polite">
        {items.map((t) => (
          <div key={t.id} className={`toast toast-${t.kind}`} role="status" data-testid={`toast-${t.kind}`}>
            <span>{t.text}</span>
            <button type="button" className="toast-close" aria-label="Dismiss" onClick={() => dismiss(t.id)}>
              ×
            </button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}
