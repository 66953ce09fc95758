import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import {
  fileBackendUrl,
  type OperationKind,
  type PolicyViolation,
  type ResourceStep,
  type SizingProfile,
  type StackPlacement,
  type StoredEvent,
  type TenantSpec,
  tenantStackName,
} from "@dotmac/contracts";
import { type EngineEvent, LocalWorkspace, type Stack } from "@pulumi/pulumi/automation/index.js";
import { storedEvent } from "./events.ts";
import { failureOf, RunFailure } from "./run-failure.ts";

/** Where and how stacks run: one program, one backend, one policy pack for every tenant. */
export interface StackSettings {
  readonly workspacesDir: string;
  readonly program: string;
  readonly policyPack: string;
  readonly backendUrl: string;
  readonly passphrase?: string | undefined;
  readonly secretsProvider?: string | undefined;
  readonly tenantPostgresUrl?: string | undefined;
  readonly tenantPostgresAppHost?: string | undefined;
  readonly radiusServiceType: "LoadBalancer" | "ClusterIP";
  /** The cluster's shape, the same for every tenant stack (`dotmac:placement`, `dotmac:sizing`). */
  readonly placement?: StackPlacement | undefined;
  readonly sizing?: SizingProfile | undefined;
  /** Where tenants' isp-ops reach this API (to report NAS networks); unset, they do not. */
  readonly platformApiUrl?: string | undefined;
  /** Each tenant's public address, {slug} replaced; unset, each stack's own (https, its first host). */
  readonly tenantUrl?: string | undefined;
  /** The relay tenants mail through, and each one's sender ({slug} replaced); unset, no mail. */
  readonly tenantMail?: TenantMailSettings | undefined;
  /** The Stripe account every tenant takes card payments through; unset, each stack's own. */
  readonly tenantStripe?: TenantStripeSettings | undefined;
}

export interface TenantStripeSettings {
  readonly secretKey: string;
  readonly webhookSecret: string;
  readonly apiUrl?: string | undefined;
}

export interface TenantMailSettings {
  readonly smtpUrl: string;
  readonly smtpPort?: number | undefined;
  readonly from: string;
}

/**
 * A tenant stack's mail config: the sender in the ISP's own name at its address, the relay (a
 * secret: its credentials are in the URL) and the port its pods reach the relay on.
 */
export function mailConfig(spec: TenantSpec, mail: TenantMailSettings) {
  const { port, protocol } = new URL(mail.smtpUrl);
  const smtpPort = mail.smtpPort ?? (port ? Number(port) : protocol === "smtps:" ? 465 : 587);
  // The name is quoted: an ISP's name may hold a comma or other specials of RFC 5322.
  const name = (spec.branding.name ?? spec.displayName).replace(/["\\]/g, "");
  return {
    "dotmac:mailFrom": { value: `"${name}" <${mail.from.replaceAll("{slug}", spec.slug)}>`, secret: false },
    "dotmac:smtpUrl": { value: mail.smtpUrl, secret: true },
    "dotmac:smtpPort": { value: String(smtpPort), secret: false },
  };
}

/** A tenant stack's public address: the platform's pattern with the tenant's slug in it. */
export function publicUrlConfig(spec: TenantSpec, pattern: string) {
  return { "dotmac:publicUrl": { value: pattern.replaceAll("{slug}", spec.slug), secret: false } };
}

/** A tenant stack's Stripe config: the keys as secrets, the API's address when not Stripe's own. */
export function stripeConfig(stripe: TenantStripeSettings) {
  return {
    "dotmac:stripeSecretKey": { value: stripe.secretKey, secret: true },
    "dotmac:stripeWebhookSecret": { value: stripe.webhookSecret, secret: true },
    ...(stripe.apiUrl ? { "dotmac:stripeApiUrl": { value: stripe.apiUrl, secret: false } } : {}),
  };
}

export interface RunRequest {
  readonly kind: Exclude<OperationKind, "fleet">;
  readonly spec: TenantSpec;
  /** A preview of a tenant that does not exist yet: run against an empty backend of its own. */
  readonly unborn?: boolean;
  readonly suspended: boolean;
  /** A retry after its replica died: the stack may still hold that run's lock. */
  readonly recovering: boolean;
  readonly signal: AbortSignal;
  readonly onEvent: (event: StoredEvent) => void;
  /** The tenant's platform credential, given what its stack config holds now (absent for an unborn preview). */
  readonly credential?: (current: string | undefined) => Promise<string>;
}

export interface RunResult {
  readonly outputs?: Record<string, unknown>;
  /** A preview's or drift check's resource steps. */
  readonly steps?: ResourceStep[];
  readonly changes?: Record<string, number>;
}

/**
 * Each stack gets a workspace folder of its own (project file and stack config), so runs of
 * different stacks never share files; the operations table guarantees one run per stack at a time.
 */
async function openStack(settings: StackSettings, stackName: string): Promise<Stack> {
  const workDir = join(settings.workspacesDir, stackName);
  await mkdir(workDir, { recursive: true });
  await writeFile(
    join(workDir, "Pulumi.yaml"),
    [
      "name: dotmac",
      "runtime:",
      "  name: nodejs",
      "  options:",
      "    typescript: false",
      '    nodeargs: "--import tsx"',
      `main: ${relative(workDir, settings.program)}`,
      "",
    ].join("\n"),
  );
  const envVars: Record<string, string> = { PULUMI_BACKEND_URL: settings.backendUrl };
  if (settings.passphrase) envVars.PULUMI_CONFIG_PASSPHRASE = settings.passphrase;
  return LocalWorkspace.createOrSelectStack(
    { stackName, workDir },
    { envVars, ...(settings.secretsProvider ? { secretsProvider: settings.secretsProvider } : {}) },
  );
}

async function configure(stack: Stack, settings: StackSettings, req: RunRequest) {
  const { spec, suspended } = req;
  const config: Record<string, { value: string; objectValue?: unknown; secret: boolean }> = {
    "dotmac:tenant": { value: JSON.stringify(spec), objectValue: spec, secret: false },
    "dotmac:suspended": { value: String(suspended), secret: false },
    "dotmac:radiusServiceType": { value: settings.radiusServiceType, secret: false },
  };
  if (settings.placement) {
    config["dotmac:placement"] = {
      value: JSON.stringify(settings.placement),
      objectValue: settings.placement,
      secret: false,
    };
  }
  if (settings.sizing) config["dotmac:sizing"] = { value: settings.sizing, secret: false };
  if (spec.database.target === "postgres") {
    if (!settings.tenantPostgresUrl) {
      throw new RunFailure(
        "DOTMAC_TENANT_POSTGRES_URL is not set: no server for the postgres database target",
      );
    }
    config["dotmac:postgresAdminUrl"] = { value: settings.tenantPostgresUrl, secret: true };
    if (settings.tenantPostgresAppHost) {
      config["dotmac:postgresAppHost"] = { value: settings.tenantPostgresAppHost, secret: false };
    }
  }
  if (settings.platformApiUrl) {
    config["dotmac:platformApiUrl"] = { value: settings.platformApiUrl, secret: false };
    // Read back before the config is rewritten: the stack's encrypted config is the secret's one home.
    const current = req.credential
      ? (await stack.getAllConfig())[CREDENTIAL_KEY]?.value || undefined
      : undefined;
    const credential = req.credential ? await req.credential(current) : "issued-at-onboarding";
    config[CREDENTIAL_KEY] = { value: credential, secret: true };
  }
  if (settings.tenantUrl) Object.assign(config, publicUrlConfig(spec, settings.tenantUrl));
  if (settings.tenantMail) Object.assign(config, mailConfig(spec, settings.tenantMail));
  if (settings.tenantStripe) Object.assign(config, stripeConfig(settings.tenantStripe));
  await stack.workspace.setAllConfigJson(stack.name, JSON.stringify(config));
}

const CREDENTIAL_KEY = "dotmac:platformCredential";

function outputsOf(outputs: Record<string, { value: unknown; secret: boolean }>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v.secret ? "[secret]" : v.value]));
}

/** Stores what the engine reports and keeps what a failure or a preview needs. */
function recorder(
  req: RunRequest,
  diagnostics: string[],
  violations: PolicyViolation[],
  steps: ResourceStep[],
) {
  return (forward: boolean) => (event: EngineEvent) => {
    const stored = storedEvent(event);
    if (!stored) return;
    if (stored.type === "diagnostic" && stored.payload.severity === "error")
      diagnostics.push(stored.payload.message);
    if (stored.type === "policy" && stored.payload.level === "mandatory") {
      violations.push({ rule: stored.payload.rule, message: stored.payload.message });
    }
    if (stored.type === "resource" && stored.payload.state === "started") {
      const { urn, name, resourceType, op } = stored.payload;
      steps.push({ urn, name, type: resourceType, op });
    }
    // A preview ahead of an update reports only what stops it; the update reports every step.
    if (
      forward ||
      stored.type === "policy" ||
      (stored.type === "diagnostic" && stored.payload.severity === "error")
    ) {
      req.onEvent(stored);
    }
  };
}

/** Runs one operation on a tenant's stack with the Automation API and the policy pack on. */
export async function runOnStack(settings: StackSettings, req: RunRequest): Promise<RunResult> {
  const stackName = tenantStackName(req.spec.slug);
  // An onboarding preview must not create (or race) the real stack: it plans against an empty,
  // throwaway file backend, which is exactly "what would be created".
  const scratch = req.unborn ? await mkdtemp(join(tmpdir(), "dotmac-preview-")) : undefined;
  const effective = scratch
    ? { ...settings, backendUrl: fileBackendUrl(scratch), workspacesDir: join(scratch, "workspaces") }
    : settings;
  try {
    return await runOn(effective, stackName, req);
  } finally {
    if (scratch) await rm(scratch, { recursive: true, force: true });
  }
}

async function runOn(settings: StackSettings, stackName: string, req: RunRequest): Promise<RunResult> {
  const diagnostics: string[] = [];
  const violations: PolicyViolation[] = [];
  const steps: ResourceStep[] = [];
  const record = recorder(req, diagnostics, violations, steps);
  const stack = await openStack(settings, stackName);
  if (req.recovering) await stack.cancel().catch(() => {});
  const common = { signal: req.signal, color: "never" as const };
  try {
    switch (req.kind) {
      case "create":
      case "update":
      case "suspend":
      case "resume": {
        await configure(stack, settings, req);
        // The pack judges the whole plan before anything changes (up alone would skip the preview).
        await stack.preview({ ...common, policyPacks: [settings.policyPack], onEvent: record(false) });
        steps.length = 0;
        const up = await stack.up({
          ...common,
          policyPacks: [settings.policyPack],
          onEvent: record(true),
          ...(req.recovering ? { refresh: true } : {}),
        });
        return { outputs: outputsOf(up.outputs), changes: numeric(up.summary.resourceChanges) };
      }
      case "preview": {
        await configure(stack, settings, req);
        const preview = await stack.preview({
          ...common,
          policyPacks: [settings.policyPack],
          onEvent: record(true),
        });
        return { steps, changes: numeric(preview.changeSummary) };
      }
      case "refresh": {
        await configure(stack, settings, req);
        const drift = await stack.previewRefresh({ ...common, onEvent: record(true) });
        return { steps, changes: numeric(drift.changeSummary) };
      }
      case "destroy": {
        await configure(stack, settings, req);
        const destroyed = await stack.destroy({ ...common, onEvent: record(true) });
        await stack.workspace.removeStack(stackName);
        await rm(join(settings.workspacesDir, stackName), { recursive: true, force: true });
        return { changes: numeric(destroyed.summary.resourceChanges) };
      }
    }
  } catch (error) {
    if (req.signal.aborted) throw new RunFailure("cancelled");
    throw failureOf(error, diagnostics, violations);
  }
}

function numeric(map: Record<string, number | undefined> | undefined): Record<string, number> {
  return Object.fromEntries(
    Object.entries(map ?? {}).filter(([, n]) => typeof n === "number" && n > 0),
  ) as Record<string, number>;
}
