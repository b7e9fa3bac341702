// The Grafana dashboard the Monitoring page embeds (cg-demo, kiosk mode, last hour, optional var-cluster) with an
// "Open in Grafana" link; when query-api has no Grafana URL configured, a note saying how to configure one instead.
import { dashboardUrl, getGrafana } from "../api/observability";
import { useResource } from "../hooks/useResource";
import { ProblemMessage } from "./ProblemMessage";

interface Props {
  /** A cluster id for the dashboard's `cluster` variable. */
  cluster?: string;
}

export function GrafanaEmbed({ cluster }: Props) {
  const links = useResource(async (signal) => (await getGrafana(signal)).data, []);
  const g = links.data;
  const vars = cluster ? { cluster } : undefined;
  return (
    <section className="panel" aria-label="Grafana">
      <header className="panel-header">
        <h2>Dashboard</h2>
        {g?.url && (
          <a href={dashboardUrl(g.url, g.demo_dashboard, { vars })} target="_blank" rel="noreferrer" data-testid="grafana-open">
            Open in Grafana
          </a>
        )}
      </header>
      <ProblemMessage error={links.error} />
      {g?.url ? (
        <iframe
          title="ClusterGenie Overview (Grafana)"
          className="grafana-embed"
          data-testid="grafana-embed"
          src={dashboardUrl(g.url, g.demo_dashboard, { kiosk: true, vars })}
          style={{ width: "100%", height: 640, border: 0 }}
        />
      ) : (
        g && (
          <p className="muted" data-testid="grafana-missing">
            Grafana is not configured. Set query-api&apos;s <span className="mono">grafana_url</span> (
            <span className="mono">CG_GRAFANA_URL</span>) to embed the <span className="mono">{g.demo_dashboard}</span> dashboard
            here; deploy/compose does.
          </p>
        )
      )}
    </section>
  );
}
