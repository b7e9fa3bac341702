// Deployments tab of a cluster: start a deployment, the shown one (the newest unless another is picked) with live steps
// and its buttons, the history, and the revisions with rollback. Reloaded by live deployment and cluster events (polled
// only while the event stream is down). A server without the routes (404) says so.
import { useState } from "react";
import { ApiError } from "../api/client";
import { describeStrategy, getDeployment, listDeployments, listRevisions, type Deployment } from "../api/deployments";
import type { AuditEvent } from "../api/events";
import { formatTime } from "../format";
import { FALLBACK_POLL_MS, useResource } from "../hooks/useResource";
import { DeploymentDetail } from "./DeploymentDetail";
import { ProblemMessage } from "./ProblemMessage";
import { RevisionsTable } from "./RevisionsTable";
import { StartDeploymentForm } from "./StartDeploymentForm";
import { StatusPill } from "./StatusPill";

interface Props {
  clusterId: string;
  clusterVersion: number;
  /** Reloads the cluster, whose version a rollback's If-Match needs. */
  onClusterChanged: () => Promise<void>;
}

function History({ list, shownId, onShow }: { list: Deployment[]; shownId: string | null; onShow: (id: string) => void }) {
  return (
    <table aria-label="Deployment history" data-testid="deployment-history">
      <thead>
        <tr>
          <th>Started</th>
          <th>Revision</th>
          <th>Kind</th>
          <th>Strategy</th>
          <th>Status</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {list.map((d) => (
          <tr key={d.id} data-testid="deployment-row" aria-selected={d.id === shownId}>
            <td>{formatTime(d.created_at)}</td>
            <td>
              {d.revision.number} · <span className="mono">{d.revision.image}</span>
            </td>
            <td>{d.deployment_kind}</td>
            <td>{describeStrategy(d.strategy)}</td>
            <td>
              <StatusPill status={d.status} />
            </td>
            <td>
              <button type="button" className="link" disabled={d.id === shownId} onClick={() => onShow(d.id)}>
                {d.id === shownId ? "shown" : "Show"}
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function DeploymentsTab({ clusterId, clusterVersion, onClusterChanged }: Props) {
  const live = (e: AuditEvent) => e.aggregate.kind === "deployment" || e.aggregate.id === clusterId;
  const opts = { pollMs: FALLBACK_POLL_MS, live };
  const list = useResource(async (signal) => (await listDeployments(clusterId, undefined, signal)).data, [clusterId], opts);
  const revisions = useResource(async (signal) => (await listRevisions(clusterId, signal)).data, [clusterId], opts);
  const [picked, setPicked] = useState<string | null>(null);
  const deployments = list.data?.deployments ?? [];
  const shownId = picked ?? deployments[0]?.id ?? null;
  const shown = useResource(async (signal) => (await getDeployment(shownId!, signal)).data, [shownId], { ...opts, enabled: !!shownId, resetOnChange: true });

  if (list.error instanceof ApiError && list.error.status === 404 && !list.data) {
    return (
      <p className="muted" data-testid="deployments-unavailable">
        This server does not offer deployments yet.
      </p>
    );
  }
  // Nothing to offer until the list answered: a server without deployments says so instead of showing a form.
  if (!list.data && !list.error) return <p className="muted">Loading…</p>;
  const reloadAll = () => Promise.all([list.reload(), revisions.reload(), shownId ? shown.reload() : undefined, onClusterChanged()]).then(() => undefined);

  return (
    <div data-testid="cluster-deployments">
      <h3>New deployment</h3>
      <StartDeploymentForm
        clusterId={clusterId}
        onStarted={(d) => {
          setPicked(d.id);
          void reloadAll();
        }}
      />
      <ProblemMessage error={list.error} onReload={() => list.reload()} />
      {shown.data && <DeploymentDetail deployment={shown.data} onChanged={reloadAll} />}
      <ProblemMessage error={shown.error} />
      <h3 className="section-title">History</h3>
      {list.data && deployments.length === 0 ? <p className="muted">No deployment yet.</p> : <History list={deployments} shownId={shownId} onShow={setPicked} />}
      <h3 className="section-title">Revisions</h3>
      <ProblemMessage error={revisions.error} />
      <RevisionsTable clusterId={clusterId} clusterVersion={clusterVersion} revisions={revisions.data?.revisions ?? []} onChanged={reloadAll} />
    </div>
  );
}
