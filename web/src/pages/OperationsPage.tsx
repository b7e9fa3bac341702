// /operations: every operation of the caller, filtered by status and type, with progress and Cancel; reloaded by live events.
import { useSearchParams } from "react-router";
import { listOperations, OPERATION_STATUSES, OPERATION_TYPES } from "../api/operations";
import { OperationTable } from "../components/OperationTable";
import { ProblemMessage } from "../components/ProblemMessage";
import { FALLBACK_POLL_MS, useResource } from "../hooks/useResource";
import { Pager, usePageTokens } from "../components/Pager";

export function OperationsPage() {
  const [params, setParams] = useSearchParams();
  const status = params.get("status") ?? "";
  const type = params.get("type") ?? "";
  const pages = usePageTokens();
  const pageToken = pages.token;
  const ops = useResource(async (signal) => (await listOperations({ status, type, pageToken }, signal)).data, [status, type, pageToken], {
    pollMs: FALLBACK_POLL_MS,
    live: (e) => ["droplet", "cluster", "job"].includes(e.aggregate.kind),
  });

  function setFilter(key: string, value: string) {
    pages.reset();
    setParams((p) => {
      if (value) p.set(key, value);
      else p.delete(key);
      return p;
    });
  }

  return (
    <section className="panel" aria-label="Operations">
      <header className="panel-header">
        <h2>Operations</h2>
        <span className="total" data-testid="operations-total">
          {ops.data?.meta ? `${ops.data.meta.total} total` : ""}
        </span>
      </header>
      <div className="filters">
        <select aria-label="Operation status" value={status} onChange={(e) => setFilter("status", e.target.value)}>
          <option value="">any status</option>
          {OPERATION_STATUSES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
        <input aria-label="Operation type" list="operation-types" placeholder="type, e.g. cluster.create" value={type} onChange={(e) => setFilter("type", e.target.value)} />
        <datalist id="operation-types">
          {OPERATION_TYPES.map((t) => (
            <option key={t} value={t} />
          ))}
        </datalist>
        <button type="button" onClick={() => ops.reload()}>
          Refresh
        </button>
      </div>
      <ProblemMessage error={ops.error} />
      {ops.data && <OperationTable operations={ops.data.operations ?? []} onChanged={() => ops.reload()} empty="No operations match." />}
      <Pager pages={pages} next={ops.data?.next_page_token} />
    </section>
  );
}
