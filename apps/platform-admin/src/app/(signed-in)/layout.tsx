import { SignOut } from "@dotmac/ui";
import Link from "next/link";
import type { ReactNode } from "react";
import { can, me } from "../../server/upstream.ts";

export const dynamic = "force-dynamic";

export default async function SignedIn({ children }: { children: ReactNode }) {
  const who = await me();
  return (
    <div className="shell">
      <nav className="nav" aria-label="Main">
        <h1>DotMac Platform</h1>
        <ul>
          <li>
            <Link href="/tenants">Tenants</Link>
          </li>
          {can(who, "platform:tenants:write") ? (
            <li>
              <Link href="/tenants/new">Onboard an ISP</Link>
            </li>
          ) : null}
          {can(who, "platform:fleet:write") ? (
            <li>
              <Link href="/fleet">Fleet rollout</Link>
            </li>
          ) : null}
          {can(who, "platform:flags:read") ? (
            <li>
              <Link href="/flags">Feature flags</Link>
            </li>
          ) : null}
          {can(who, "platform:licenses:read") ? (
            <li>
              <Link href="/licences">Licences</Link>
            </li>
          ) : null}
          {can(who, "platform:audit:read") ? (
            <li>
              <Link href="/audit">Audit log</Link>
            </li>
          ) : null}
          {can(who, "platform:tokens:write") ? (
            <li>
              <Link href="/tokens">API tokens</Link>
            </li>
          ) : null}
        </ul>
        <p className="who">{who.name}</p>
        <SignOut apiBase="/api/platform/v1" />
      </nav>
      <main>{children}</main>
    </div>
  );
}
