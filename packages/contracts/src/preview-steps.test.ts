import { describe, expect, it } from "vitest";
import { previewSteps } from "./preview-steps.ts";

describe("previewSteps", () => {
  const step = {
    urn: "urn:pulumi:tenant-a::dotmac::kubernetes:core/v1:Namespace::ns",
    name: "ns",
    type: "kubernetes:core/v1:Namespace",
    op: "create",
  };

  it("reads a finished preview's steps", () => {
    expect(previewSteps({ id: "op", result: { steps: [step], changes: { create: 1 } } })).toEqual([step]);
  });

  it("gives none for an operation still queued, another kind's result, or a malformed one", () => {
    expect(previewSteps({ operationId: "op", status: "queued" })).toEqual([]);
    expect(previewSteps({ result: null })).toEqual([]);
    expect(previewSteps({ result: { total: 2, tenants: [] } })).toEqual([]);
    expect(previewSteps({ result: { steps: "nope" } })).toEqual([]);
    expect(previewSteps({ result: { steps: [step, { name: "half" }, null] } })).toEqual([step]);
  });
});
