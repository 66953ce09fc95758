import type { ReactNode } from "react";
import { branding } from "../../server/runtime.ts";

export async function generateMetadata() {
  return { title: (await branding()).name, referrer: "no-referrer" };
}

/** The subscribers' side: the tenant's name, logo and colour, one column for a phone first. */
export default async function PortalLayout({ children }: { children: ReactNode }) {
  const brand = await branding();
  return (
    <div className="portal">
      <header className="portal-header">
        {/* biome-ignore lint/performance/noImgElement: the tenant's logo is an external https URL. */}
        {brand.logoUrl ? <img src={brand.logoUrl} alt="" height={32} /> : null}
        <span>{brand.name}</span>
      </header>
      <main>{children}</main>
    </div>
  );
}
