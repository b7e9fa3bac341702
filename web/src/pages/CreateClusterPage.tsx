// /clusters/new: name, region (catalog), tags and one or more node pools; POST /clusters (202) then the cluster's page.
import { useEffect, useState, type FormEvent } from "react";
import { useNavigate } from "react-router";
import { ApiError } from "../api/client";
import { createCluster, type PoolSpec } from "../api/clusters";
import { FieldError } from "../components/FieldError";
import { NodePoolFields } from "../components/NodePoolFields";
import { ProblemMessage } from "../components/ProblemMessage";
import { useToast } from "../context/toast";
import { parseTags } from "../format";
import { useCatalog } from "../hooks/useCatalog";

/** Errors under `prefix/` with the prefix removed (`node_pools/1/count` → `count`; the pool itself → `""`). */
function under(errors: Record<string, string>, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(errors)) {
    if (k === prefix) out[""] = v;
    else if (k.startsWith(`${prefix}/`)) out[k.slice(prefix.length + 1)] = v;
  }
  return out;
}

function newPool(n: number): PoolSpec {
  return { name: `pool-${n}`, size: "", count: 1 };
}

export function CreateClusterPage() {
  const navigate = useNavigate();
  const toast = useToast();
  const catalog = useCatalog();
  const [name, setName] = useState("");
  const [region, setRegion] = useState("");
  const [tags, setTags] = useState("");
  const [pools, setPools] = useState<PoolSpec[]>([newPool(1)]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const regions = catalog.regions.filter((r) => r.available !== false);
  useEffect(() => {
    if (!region && regions.length) setRegion(regions[0].slug);
  }, [region, regions]);

  const errors = error instanceof ApiError ? error.fieldErrorsByPointer() : {};

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const tagList = parseTags(tags);
      const res = await createCluster({
        name: name.trim(),
        region,
        node_pools: pools.map((p) => ({ name: p.name.trim(), size: p.size, count: p.count })),
        ...(tagList.length ? { tags: tagList } : {}),
      });
      const id = res.data?.cluster?.id ?? res.location?.split("/").pop();
      toast.success(`Cluster ${name.trim()} is being created.`);
      navigate(id ? `/clusters/${id}` : "/clusters");
    } catch (err) {
      setError(err);
      toast.error(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="panel narrow" aria-label="Create cluster">
      <h2>Create cluster</h2>
      <form className="create-form" onSubmit={submit} data-testid="create-cluster-form">
        <label>
          Name
          <input name="name" required value={name} onChange={(e) => setName(e.target.value)} placeholder="prod-1" data-testid="cluster-name" />
          <FieldError text={errors.name} testid="cluster-name-error" />
        </label>
        <label>
          Region
          <select name="region" value={region} onChange={(e) => setRegion(e.target.value)} data-testid="cluster-region">
            {regions.length === 0 && <option value="">loading…</option>}
            {regions.map((r) => (
              <option key={r.slug} value={r.slug}>
                {r.slug} — {r.name}
              </option>
            ))}
          </select>
          <FieldError text={errors.region} testid="cluster-region-error" />
        </label>
        <label>
          Tags
          <input name="tags" value={tags} onChange={(e) => setTags(e.target.value)} placeholder="env:prod" data-testid="cluster-tags" />
          <FieldError text={errors.tags} />
        </label>
        {pools.map((p, i) => (
          <NodePoolFields
            key={i}
            index={i}
            pool={p}
            region={region}
            errors={under(errors, `node_pools/${i}`)}
            onPatch={(patch) => setPools((list) => list.map((q, j) => (j === i ? { ...q, ...patch } : q)))}
            onRemove={pools.length > 1 ? () => setPools((list) => list.filter((_, j) => j !== i)) : undefined}
          />
        ))}
        <FieldError text={errors.node_pools} testid="node-pools-error" />
        <button type="button" onClick={() => setPools((list) => [...list, newPool(list.length + 1)])} disabled={pools.length >= 10} data-testid="add-pool">
          Add node pool
        </button>
        <button type="submit" className="primary" disabled={busy || !region} data-testid="create-cluster-submit">
          {busy ? "Creating…" : "Create cluster"}
        </button>
        <ProblemMessage error={error} />
        <ProblemMessage error={catalog.error} />
      </form>
    </section>
  );
}
