// One node pool's inputs (name, size from the region's catalog, count 1-100) with the field errors that point at them.
import { MAX_NODES_PER_POOL, type PoolSpec } from "../api/clusters";
import { FieldError } from "./FieldError";
import { SizeSelect } from "./SizeSelect";

interface Props {
  index: number;
  pool: PoolSpec;
  region: string;
  /** Field errors keyed by pointer without `#/`, e.g. `name`, `count` (already relative to this pool). */
  errors: Record<string, string | undefined>;
  /** Receives only the changed fields, so concurrent updates (a size picked by SizeSelect) never undo each other. */
  onPatch: (patch: Partial<PoolSpec>) => void;
  onRemove?: () => void;
}

export function NodePoolFields({ index, pool, region, errors, onPatch: set, onRemove }: Props) {
  return (
    <fieldset className="pool-fields" data-testid={`pool-fields-${index}`}>
      <legend>Node pool {index + 1}</legend>
      <label>
        Pool name
        <input name={`pool-name-${index}`} required value={pool.name} onChange={(e) => set({ name: e.target.value })} data-testid={`pool-name-${index}`} />
        <FieldError text={errors.name} testid={`pool-name-${index}-error`} />
      </label>
      <label>
        Size
        <SizeSelect region={region} value={pool.size} onChange={(size) => set({ size })} name={`pool-size-${index}`} testid={`pool-size-${index}`} />
        <FieldError text={errors.size} testid={`pool-size-${index}-error`} />
      </label>
      <label>
        Count
        <input
          name={`pool-count-${index}`}
          type="number"
          min={1}
          max={MAX_NODES_PER_POOL}
          required
          value={Number.isNaN(pool.count) ? "" : pool.count}
          onChange={(e) => set({ count: e.target.valueAsNumber })}
          data-testid={`pool-count-${index}`}
        />
        <FieldError text={errors.count} testid={`pool-count-${index}-error`} />
      </label>
      <FieldError text={errors[""]} testid={`pool-${index}-error`} />
      {onRemove && (
        <button type="button" className="link" onClick={onRemove} data-testid={`pool-remove-${index}`}>
          Remove pool
        </button>
      )}
    </fieldset>
  );
}
