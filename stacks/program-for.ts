import { slugFromStackName, TenantSlug } from "@dotmac/contracts";
import { StackConfigError } from "./config-error.ts";

/** Which program a stack runs, decided by its name alone. */
export function programFor(stack: string): "platform" | "tenant" {
  if (stack === "platform") return "platform";
  const slug = slugFromStackName(stack);
  if (slug !== undefined) {
    const parsed = TenantSlug.safeParse(slug);
    if (!parsed.success) {
      throw new StackConfigError(
        `stack ${stack}: "${slug}" is not a valid tenant slug (${parsed.error.issues[0]?.message})`,
      );
    }
    return "tenant";
  }
  throw new StackConfigError(`stack ${stack}: stacks are named "platform" or "tenant-<slug>"`);
}
