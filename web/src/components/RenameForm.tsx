// Inline rename form: an input and a button; the owner does the PATCH and reports errors.
import { useState, type FormEvent } from "react";
import { ApiError, errorText } from "../api/client";
import { FieldError } from "./FieldError";

interface Props {
  current: string;
  disabled?: boolean;
  onRename: (name: string) => Promise<void>;
}

export function RenameForm({ current, disabled, onRename }: Props) {
  const [name, setName] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onRename(name.trim());
      setName("");
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const text = error instanceof ApiError ? (error.fieldErrors().name ?? errorText(error)) : error ? errorText(error) : undefined;
  return (
    <form className="inline-form" onSubmit={submit}>
      <input aria-label="New cluster name" placeholder={current} value={name} onChange={(e) => setName(e.target.value)} />
      <button type="submit" disabled={disabled || busy || !name.trim() || name.trim() === current}>
        Rename
      </button>
      <FieldError text={text} testid="rename-error" />
    </form>
  );
}
