// A field-level problem (RFC 9457 `errors[]` entry) shown under its input.
export function FieldError({ text, testid }: { text?: string; testid?: string }) {
  if (!text) return null;
  return (
    <span className="field-error" data-testid={testid}>
      {text}
    </span>
  );
}
