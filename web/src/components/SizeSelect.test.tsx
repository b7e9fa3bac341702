// Component tests for the size picker: region's sizes with prices, the first size picked when the value is not offered, exclusions.
import { render, screen, waitFor } from "@testing-library/react";
import { useState } from "react";
import { describe, expect, it } from "vitest";
import { mockApi } from "../test/api";
import { SizeSelect } from "./SizeSelect";

function Harness({ region, initial = "", exclude }: { region: string; initial?: string; exclude?: string[] }) {
  const [value, setValue] = useState(initial);
  return (
    <>
      <SizeSelect region={region} value={value} onChange={setValue} exclude={exclude} />
      <output data-testid="value">{value}</output>
    </>
  );
}

describe("SizeSelect", () => {
  it("picks the first offered size when the value is not offered in the region", async () => {
    mockApi({});
    render(<Harness region="lon1" initial="c-8vcpu-16gb" />);
    await waitFor(() => expect(screen.getByTestId("value").textContent).toBe("s-1vcpu-1gb"));
    const options = Array.from((screen.getByLabelText("Size") as HTMLSelectElement).options).map((o) => o.textContent);
    expect(options).toEqual(["s-1vcpu-1gb — $6.00/mo · 1 vCPU · 1 GB · 25 GB", "s-2vcpu-4gb — $24.00/mo · 2 vCPU · 4 GB · 80 GB"]);
  });

  it("leaves out excluded sizes and asks for a region first", async () => {
    mockApi({});
    const { unmount } = render(<Harness region="nyc1" exclude={["s-1vcpu-1gb"]} />);
    await waitFor(() => expect(screen.getByTestId("value").textContent).toBe("s-2vcpu-4gb"));
    unmount();
    render(<Harness region="" />);
    expect(screen.getByText("pick a region first")).toBeTruthy();
  });
});
