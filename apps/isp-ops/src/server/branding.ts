import type { IspOpsTenantEnv } from "@dotmac/contracts/app-env";

/** How the tenant presents itself: pages, e-mail. */
export interface Branding {
  readonly slug: string;
  readonly name: string;
  readonly logoUrl: string | null;
  readonly primaryColor: string;
  /** What its invoices and billing mail end with (a billing setting: legal name, tax number, bank details). */
  readonly footer: string | null;
}

export const brandingOf = (env: IspOpsTenantEnv): Branding => ({
  slug: env.TENANT_SLUG,
  name: env.NEXT_PUBLIC_TENANT_NAME || env.TENANT_SLUG,
  logoUrl: env.NEXT_PUBLIC_TENANT_LOGO_URL || null,
  primaryColor: env.NEXT_PUBLIC_PRIMARY_COLOR,
  footer: null,
});

/** Where no branding is configured (a test's API): a plain name and colour. */
export const neutralBrand: Branding = {
  slug: "isp",
  name: "Your ISP",
  logoUrl: null,
  primaryColor: "#334155",
  footer: null,
};

/** For the tenant's name, logo URL and words in the HTML it sends without React (mail, the maintenance page). */
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
