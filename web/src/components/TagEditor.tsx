// Shows tags as chips; "Edit tags" opens a comma-separated input that saves through `onSave` (a PATCH).
import { useState, type FormEvent } from "react";
import { ApiError, errorText } from "../api/client";
import { parseTags } from "../format";
import { FieldError } from "./FieldError";

interface Props {
  tags: string[];
  disabled?: boolean;
  onSave: (tags: string[]) => Promise<void>;
}

export function TagEditor({ tags, disabled, onSave }: Props) {
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function save(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onSave(parseTags(text));
      setEditing(false);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  if (!editing) {
    return (
      <div className="tags">
        {tags.length ? tags.map((t) => <span key={t} className="chip">{t}</span>) : <span className="muted">no tags</span>}
        <button
          type="button"
          className="link"
          disabled={disabled}
          onClick={() => {
            setText(tags.join(", "));
            setError(null);
            setEditing(true);
          }}
        >
          Edit tags
        </button>
      </div>
    );
  }

  const fieldError = error instanceof ApiError ? error.fieldErrors().tags : undefined;
  return (
    <form className="tags-form" onSubmit={save}>
      <input aria-label="Tags" value={text} onChange={(e) => setText(e.target.value)} placeholder="env:prod, team:web" autoFocus />
      <button type="submit" className="primary small" disabled={busy}>
        Save tags
      </button>
      <button type="button" className="small" onClick={() => setEditing(false)}>
        Cancel
      </button>
      <FieldError text={fieldError ?? (error ? errorText(error) : undefined)} />
    </form>
  );
}
