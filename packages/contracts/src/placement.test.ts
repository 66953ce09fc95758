import { describe, expect, it } from "vitest";
import { placementOf, SizingProfile, StackPlacement, sized } from "./placement.ts";

describe("stack placement and sizing", () => {
  it("gives a part its own placement, else the stack's default, else none", () => {
    const placement = StackPlacement.parse({
      default: { nodeSelector: { pool: "general" } },
      workloads: {
        radius: { nodeSelector: { pool: "edge" }, tolerations: [{ key: "edge", operator: "Exists" }] },
      },
    });
    expect(placementOf(placement, "radius")).toEqual({
      nodeSelector: { pool: "edge" },
      tolerations: [{ key: "edge", operator: "Exists" }],
    });
    expect(placementOf(placement, "grafana")).toEqual({ nodeSelector: { pool: "general" } });
    expect(placementOf(undefined, "grafana")).toEqual({});
  });

  it("refuses a placement Kubernetes would not take, naming the field", () => {
    const bad = StackPlacement.safeParse({
      default: { nodeSelector: { "not a label": "x" } },
      workloads: { radius: { tolerations: [{ operator: "Sometimes" }] }, routers: {} },
      extra: true,
    });
    expect(bad.success).toBe(false);
    const paths = bad.error?.issues.map((i) => i.path.join("."));
    expect(paths).toEqual(
      expect.arrayContaining([
        "default.nodeSelector.not a label",
        "workloads.radius.tolerations.0.operator",
        "",
      ]),
    );
    expect(SizingProfile.safeParse("tiny").success).toBe(false);
  });

  it("keeps production figures, and asks a tenth of the CPU and a quarter of the memory when compact", () => {
    const r = { requests: { cpu: "2", memory: "4Gi" }, limits: { cpu: "4", memory: "8Gi" } };
    expect(sized(r, "production")).toEqual(r);
    expect(sized(r, "compact")).toEqual({ requests: { cpu: "200m", memory: "1024Mi" }, limits: r.limits });
    // Never below what a process needs to start.
    expect(sized({ requests: { cpu: "50m", memory: "32Mi" }, limits: r.limits }, "compact").requests).toEqual(
      {
        cpu: "10m",
        memory: "16Mi",
      },
    );
  });
});
