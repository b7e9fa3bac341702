// A small SVG line chart: one line per series over time, threshold lines, y axis ticks and a legend with each series'
// latest value. Plain SVG rather than a charting library: a few lines per chart need ~100 lines of code, no
// dependency, and render in jsdom, so tests can read what is drawn. Never fetches; the caller passes points.
import { useId } from "react";

export interface Point {
  /** Epoch milliseconds. */
  t: number;
  v: number;
}

export interface Series {
  name: string;
  points: Point[];
}

export interface Threshold {
  value: number;
  label: string;
  severity: "warning" | "critical";
}

interface Props {
  title: string;
  unit: string;
  series: Series[];
  thresholds?: Threshold[];
  /** Fixed top of the y axis (100 for %); otherwise the largest value, rounded up. */
  yMax?: number;
  testid?: string;
}

const W = 640;
const H = 200;
const PAD = { left: 40, right: 10, top: 10, bottom: 22 };
const COLORS = ["#2563eb", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#be185d", "#65a30d", "#78716c"];

/** A "nice" axis top at or above `v` (1, 2, 5 × 10^n). */
export function niceCeil(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return ([1, 2, 5, 10].find((m) => m * p >= v) ?? 10) * p;
}

function clock(t: number): string {
  return new Date(t).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

export function LineChart({ title, unit, series, thresholds = [], yMax, testid }: Props) {
  const titleId = useId();
  const all = series.flatMap((s) => s.points);
  const top = yMax ?? niceCeil(Math.max(0, ...all.map((p) => p.v), ...thresholds.map((t) => t.value)));
  const t0 = Math.min(...all.map((p) => p.t));
  const t1 = Math.max(...all.map((p) => p.t));
  const span = t1 > t0 ? t1 - t0 : 1;
  const x = (t: number) => PAD.left + ((t - t0) / span) * (W - PAD.left - PAD.right);
  const y = (v: number) => PAD.top + (1 - Math.min(v, top) / top) * (H - PAD.top - PAD.bottom);
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * top);
  const format = (v: number) => `${Math.round(v * 10) / 10}${unit === "%" ? "%" : ` ${unit}`}`;

  return (
    <figure className="chart" data-testid={testid} aria-labelledby={titleId}>
      <figcaption id={titleId}>
        {title} <span className="muted">({unit})</span>
      </figcaption>
      {all.length === 0 ? (
        <p className="muted" data-testid={testid && `${testid}-empty`}>
          No samples in this window.
        </p>
      ) : (
        <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={titleId} preserveAspectRatio="none">
          {ticks.map((v) => (
            <g key={v} className="chart-grid">
              <line x1={PAD.left} x2={W - PAD.right} y1={y(v)} y2={y(v)} />
              <text x={PAD.left - 4} y={y(v) + 4} textAnchor="end">
                {Math.round(v)}
              </text>
            </g>
          ))}
          {thresholds.map((th) => (
            <g key={th.value} className={`chart-threshold ${th.severity}`} data-testid="chart-threshold" data-value={th.value}>
              <line x1={PAD.left} x2={W - PAD.right} y1={y(th.value).toFixed(1)} y2={y(th.value).toFixed(1)} />
              <text x={W - PAD.right - 2} y={(y(th.value) - 3).toFixed(1)} textAnchor="end">
                {th.label}
              </text>
            </g>
          ))}
          {series.map((s, i) => (
            <polyline
              key={s.name}
              className="chart-line"
              data-testid="chart-line"
              fill="none"
              stroke={COLORS[i % COLORS.length]}
              points={s.points.map((p) => `${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`).join(" ")}
            />
          ))}
          <text x={PAD.left} y={H - 6} className="chart-axis">
            {clock(t0)}
          </text>
          <text x={W - PAD.right} y={H - 6} textAnchor="end" className="chart-axis">
            {clock(t1)}
          </text>
        </svg>
      )}
      {series.length > 0 && (
        <ul className="chart-legend">
          {series.map((s, i) => {
            const last = s.points.at(-1);
            const over = last && thresholds.some((th) => last.v > th.value);
            return (
              <li key={s.name} data-testid="chart-legend-item" className={over ? "over" : undefined}>
                <span className="swatch" style={{ background: COLORS[i % COLORS.length] }} aria-hidden="true" />
                {s.name}: <strong>{last ? format(last.v) : "—"}</strong>
              </li>
            );
          })}
        </ul>
      )}
    </figure>
  );
}
