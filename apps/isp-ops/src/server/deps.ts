import type { SecretBox } from "@dotmac/crypto/secret-box";
import type { TenantDb } from "@dotmac/tenant-db";
import type { PaymentGateway } from "./billing/gateway.ts";
import type { Branding } from "./branding.ts";
import type { PlatformEntitlements } from "./entitlements.ts";
import type { SessionDisconnector } from "./lifecycle.ts";
import type { TenantMail } from "./mail.ts";
import type { NasNetworkReporter } from "./nas-network-reporter.ts";

/** What the isp-ops API runs on: the tenant's database and the services around it. */
export interface IspOpsDeps {
  readonly db: TenantDb;
  readonly box: SecretBox;
  /** Ends a suspended subscriber's sessions at their NAS (RFC 5176); absent, only logins are refused. */
  readonly disconnect?: SessionDisconnector;
  /** Moves live sessions into or out of the walled garden (RFC 5176 CoA); absent, at the next login. */
  readonly reauthorize?: SessionDisconnector;
  /** The tenant's name, logo and colour, for what it sends (PDFs); absent, a neutral one. */
  readonly brand?: Branding;
  /** Card payments (Stripe Checkout); absent, only staff record payments. */
  readonly gateway?: PaymentGateway;
  /** The tenant's outgoing mail (dunning notices, receipts); absent, nothing is mailed. */
  readonly mail?: TenantMail;
  /** The tenant's own address (TENANT_PUBLIC_URL), the base of links it mails; absent, it mails none. */
  readonly publicUrl?: string;
  /** Tells the platform the NAS networks (which open RADIUS to them); absent, the platform is not told. */
  readonly nasReporter?: NasNetworkReporter;
  /** The platform's flags, plan and licence for the tenant; absent, it runs unmanaged (all on, no licence). */
  readonly entitlements?: Pick<PlatformEntitlements, "status" | "has">;
}
