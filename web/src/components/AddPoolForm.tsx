// Adds a node pool to a cluster (POST /clusters/{id}/node_pools, 202) with field errors at `#/name`, `#/size`, `#/count`.
import { useState, type FormEvent } from "react";
import { ApiError } from "../api/client";
import { addNodePool, type PoolSpec } from "../api/clusters";
import { useToast } from "../context/toast";
import { NodePoolFields } from "./NodePoolFields";
import { ProblemMessage } from "./ProblemMessage";

interface Props {
  clusterId: string;
  region: string;
  nextIndex: number;
  onAdded: () => void;
}

export function AddPoolForm({ clusterId, region, nextIndex, onAdded }: Props) {
  const toast = useToast();
  const [open, setOpen] = useState(false);
  const [pool, setPool] = useState<PoolSpec>({ name: `pool-${nextIndex + 1}`, size: "", count: 1 });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  if (!open) {
    return (
      <button type="button" onClick={() => setOpen(true)} data-testid="add-pool-open">
        Add node pool
      </button>
    );
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await addNodePool(clusterId, { name: pool.name.trim(), size: pool.size, count: pool.count });
      toast.success(`Adding node pool ${pool.name.trim()}.`);
      setOpen(false);
      setPool({ name: `pool-${nextIndex + 2}`, size: "", count: 1 });
      onAdded();
    } catch (err) {
      setError(err);
      toast.error(err);
    } finally {
      setBusy(false);
    }
  }

  const errors = error instanceof ApiError ? error.fieldErrorsByPointer() : {};
  return (
    <form className="create-form add-pool" onSubmit={submit} aria-label="Add node pool">
      <NodePoolFields index={nextIndex} pool={pool} region={region} errors={errors} onPatch={(patch) => setPool((p) => ({ ...p, ...patch }))} />
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          Add pool
        </button>
        <button type="button" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
      <ProblemMessage error={error} />
    </form>
  );
}
