// Unit tests for the operation helpers: filters, the :cancel verb and 409 when the operation is no longer in progress.
import { describe, expect, it } from "vitest";
import { ApiError } from "./client";
import { cancellable, cancelOperation, listOperations, type Operation } from "./operations";
import { calls, mockApi, operation } from "../test/api";
import { json } from "../test/http";

describe("operation api", () => {
  it("filters by status, type and target id", async () => {
    const fetch = mockApi({ "GET /api/v1/operations": { operations: [] } });
    await listOperations({ status: "running", type: "cluster.create", targetId: "c-1" });
    const url = calls(fetch)[0].url;
    expect(url.searchParams.get("status")).toBe("running");
    expect(url.searchParams.get("type")).toBe("cluster.create");
    expect(url.searchParams.get("filter")).toBe('target.id="c-1"');
  });

  it("cancels with POST /operations/{id}:cancel and surfaces 409 FAILED_PRECONDITION", async () => {
    let done = false;
    const fetch = mockApi({
      "POST /api/v1/operations/o1:cancel": () =>
        done
          ? json(409, { title: "Conflict", status: 409, code: "FAILED_PRECONDITION", detail: "operation is succeeded, not in progress" })
          : json(200, { id: "o1", cancel_requested: true }),
    });
    await cancelOperation("o1");
    expect(calls(fetch)[0].method).toBe("POST");
    done = true;
    const err = await cancelOperation("o1").catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.problem.code).toBe("FAILED_PRECONDITION");
  });

  it("knows which operations can still be cancelled", () => {
    expect(cancellable(operation() as Operation)).toBe(true);
    expect(cancellable(operation({ cancel_requested: true }) as Operation)).toBe(false);
    expect(cancellable(operation({ status: "succeeded", done: true }) as Operation)).toBe(false);
  });
});
