import * as pulumi from "@pulumi/pulumi";
import { reportable } from "./config-error.ts";
import { programFor } from "./program-for.ts";

/**
 * One program for every stack: `platform` runs the control plane, `tenant-<slug>` one ISP. The
 * CLI (`pulumi up -s tenant-acme`) and the automation API run exactly this.
 */
export default async () => {
  try {
    const program = programFor(pulumi.getStack());
    const mod = program === "platform" ? await import("./platform.ts") : await import("./tenant.ts");
    return await mod.run();
  } catch (error) {
    throw reportable(error);
  }
};
