// Tests for the SVG line chart: one line per series, threshold lines at their values, the legend's latest values
// (over a threshold marked), a fixed or "nice" y axis, and the empty state.
import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { LineChart, niceCeil } from "./LineChart";

const T = Date.parse("2026-12-03T07:00:00Z");

describe("LineChart", () => {
  it("draws a line per series, the thresholds and each series' latest value", () => {
    render(
      <LineChart
        title="CPU per node"
        unit="%"
        yMax={100}
        testid="chart"
        thresholds={[{ value: 80, label: "warning > 80%", severity: "warning" }]}
        series={[
          { name: "node-a", points: [{ t: T, v: 20 }, { t: T + 60_000, v: 95 }] },
          { name: "node-b", points: [{ t: T, v: 30 }, { t: T + 60_000, v: 40 }] },
        ]}
      />,
    );
    expect(screen.getByRole("img", { name: /CPU per node/ })).toBeTruthy();
    const lines = screen.getAllByTestId("chart-line");
    expect(lines).toHaveLength(2);
    // 95 of 100 on a 200-high chart with 10 px top and 22 px bottom padding: y = 10 + 0.05 × 168.
    expect(lines[0].getAttribute("points")?.split(" ")[1]).toBe("630.0,18.4");
    const threshold = screen.getByTestId("chart-threshold");
    expect(threshold.getAttribute("data-value")).toBe("80");
    expect(threshold.querySelector("line")?.getAttribute("y1")).toBe("43.6");
    const legend = screen.getAllByTestId("chart-legend-item");
    expect(legend.map((l) => l.textContent)).toEqual(["node-a: 95%", "node-b: 40%"]);
    expect(legend[0].className).toBe("over");
    expect(legend[1].className).toBe("");
  });

  it("scales a unit without a fixed top to a nice ceiling, and says when there are no samples", () => {
    expect([niceCeil(0), niceCeil(7), niceCeil(130), niceCeil(1000)]).toEqual([1, 10, 200, 1000]);
    render(<LineChart title="Network" unit="Mbps" series={[]} testid="net" />);
    expect(screen.getByTestId("net-empty").textContent).toContain("No samples");
    expect(screen.queryByRole("img")).toBeNull();
  });
});
