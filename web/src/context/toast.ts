// Toast context: `useToast()` gives success/error/info/warning notifiers; ToastProvider renders them.
import { createContext, useContext } from "react";

export type ToastKind = "success" | "error" | "info" | "warning";

export interface ToastItem {
  id: number;
  kind: ToastKind;
  text: string;
}

export interface Toaster {
  show: (kind: ToastKind, text: string) => void;
  success: (text: string) => void;
  /** Accepts an ApiError (its detail is shown) or plain text. */
  error: (errOrText: unknown) => void;
  info: (text: string) => void;
  warning: (text: string) => void;
}

const noop = () => {};

/** Outside a provider toasts are dropped (isolated component tests). */
export const ToastContext = createContext<Toaster>({ show: noop, success: noop, error: noop, info: noop, warning: noop });

export function useToast(): Toaster {
  return useContext(ToastContext);
}

/** How long a toast stays up. */
export const TOAST_MS = 4000;
