// A labelled number input with its field error below; an empty input is `null` (the caller decides whether that
// means "unset" or is sent so the server can name the field).
import { FieldError } from "./FieldError";

interface Props {
  label: string;
  value: number | null | undefined;
  onChange: (value: number | null) => void;
  error?: string;
  testid?: string;
  step?: number | "any";
  min?: number;
  placeholder?: string;
}

export function NumberField({ label, value, onChange, error, testid, step = 1, min, placeholder }: Props) {
  return (
    <label className="number-field">
      {label}
      <input
        type="number"
        aria-label={label}
        aria-invalid={error ? true : undefined}
        data-testid={testid}
        step={step}
        min={min}
        placeholder={placeholder}
        value={value === null || value === undefined || Number.isNaN(value) ? "" : value}
        onChange={(e) => onChange(e.target.value === "" ? null : Number(e.target.value))}
      />
      <FieldError text={error} testid={testid && `${testid}-error`} />
    </label>
  );
}
