// Metrics tab of a cluster: cpu, memory, disk (%) and network (Mbps) per node over the last 15 minutes from
// GET /clusters/{id}/metrics?type=&since= (paged, at most 5 pages of 200 per type: a big cluster's chart then says it
// shows the newest samples only), refreshed every 15 s while visible, health thresholds drawn as lines.
import { loadSeries, METRIC_TYPES, THRESHOLDS, type MetricSample, type MetricType } from "../api/telemetry";
import { shortId } from "../format";
import { useResource } from "../hooks/useResource";
import { LineChart, type Series } from "./LineChart";
import { ProblemMessage } from "./ProblemMessage";

export const METRICS_WINDOW_MS = 15 * 60_000;
export const METRICS_REFRESH_MS = 15_000;

const TITLES: Record<MetricType, string> = { cpu: "CPU", memory: "Memory", disk: "Disk", network: "Network" };

/** One series per node, named by the node's name when known. */
export function seriesByNode(samples: MetricSample[], nodeNames: Record<string, string>): Series[] {
  const byNode = new Map<string, Series>();
  for (const s of samples) {
    const series = byNode.get(s.node_id) ?? { name: nodeNames[s.node_id] ?? shortId(s.node_id), points: [] };
    series.points.push({ t: Date.parse(s.sampled_at), v: s.value });
    byNode.set(s.node_id, series);
  }
  return [...byNode.values()].sort((a, b) => a.name.localeCompare(b.name));
}

export function ClusterMetrics({ clusterId, nodeNames }: { clusterId: string; nodeNames: Record<string, string> }) {
  const data = useResource(
    async (signal) => {
      const since = new Date(Date.now() - METRICS_WINDOW_MS).toISOString();
      const all = await Promise.all(METRIC_TYPES.map((t) => loadSeries(clusterId, t, since, signal)));
      return Object.fromEntries(METRIC_TYPES.map((t, i) => [t, all[i]])) as Record<MetricType, { samples: MetricSample[]; complete: boolean }>;
    },
    [clusterId],
    { pollMs: METRICS_REFRESH_MS },
  );
  return (
    <div className="charts" data-testid="cluster-metrics">
      <ProblemMessage error={data.error} onReload={() => data.reload()} />
      {!data.data && !data.error && <p>Loading…</p>}
      {data.data &&
        METRIC_TYPES.map((t) => {
          const th = THRESHOLDS[t];
          return (
            <LineChart
              key={t}
              testid={`chart-${t}`}
              title={`${TITLES[t]} per node, ${data.data![t].complete ? "last 15 min" : "newest samples of the last 15 min"}`}
              unit={t === "network" ? "Mbps" : "%"}
              yMax={t === "network" ? undefined : 100}
              series={seriesByNode(data.data![t].samples, nodeNames)}
              thresholds={th ? [{ value: th.value, label: `${th.severity} > ${th.value}%`, severity: th.severity }] : []}
            />
          );
        })}
    </div>
  );
}
