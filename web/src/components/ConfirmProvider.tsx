// Provides useConfirm(): one ConfirmDialog at a time, resolved true on confirm and false on cancel.
import { useCallback, useRef, useState, type ReactNode } from "react";
import { ConfirmContext, type ConfirmOptions } from "../context/confirm";
import { ConfirmDialog } from "./ConfirmDialog";

export function ConfirmProvider({ children }: { children: ReactNode }) {
  const [open, setOpen] = useState<ConfirmOptions | null>(null);
  const resolver = useRef<((ok: boolean) => void) | null>(null);

  const confirm = useCallback((opts: ConfirmOptions) => {
    resolver.current?.(false);
    setOpen(opts);
    return new Promise<boolean>((resolve) => {
      resolver.current = resolve;
    });
  }, []);

  const close = useCallback((ok: boolean) => {
    resolver.current?.(ok);
    resolver.current = null;
    setOpen(null);
  }, []);
  const cancel = useCallback(() => close(false), [close]);

  return (
    <ConfirmContext.Provider value={confirm}>
      {children}
      {open && <ConfirmDialog {...open} onConfirm={() => close(true)} onCancel={cancel} />}
    </ConfirmContext.Provider>
  );
}
