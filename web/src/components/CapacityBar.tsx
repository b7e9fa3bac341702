// A provider's reserved slots against its capacity as a meter, with "reserved / capacity · available free" as its text.
export function CapacityBar({ name, capacity, reserved, available }: { name: string; capacity: number; reserved: number; available: number }) {
  const pct = capacity > 0 ? Math.max(0, Math.min(100, Math.round((100 * reserved) / capacity))) : 100;
  return (
    <div
      className={`progress capacity-bar${available <= 0 ? " full" : ""}`}
      role="meter"
      aria-valuemin={0}
      aria-valuemax={capacity}
      aria-valuenow={reserved}
      aria-label={`${name} reserved capacity`}
      data-testid="capacity-bar"
    >
      <div className="progress-fill" style={{ width: `${pct}%` }} />
      <span className="progress-text">
        {reserved} / {capacity} reserved · {available} free
      </span>
    </div>
  );
}
