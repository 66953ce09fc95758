import { PlatformPermission } from "@dotmac/contracts";
import { answer, formatTime } from "@dotmac/ui";
import { redirect } from "next/navigation";
import { RevokeToken, TokenForm } from "../../../components/token-form.tsx";
import { can, itemsOf, me, platform } from "../../../server/upstream.ts";

export default async function Tokens() {
  const who = await me();
  if (!can(who, "platform:tokens:write")) redirect("/tenants");
  const tokens = itemsOf(await answer((await platform()).tokens.$get()));
  // Only scopes the admin holds can be granted (the API refuses the others too).
  const grantable = PlatformPermission.options.filter((p) => can(who, p));
  return (
    <>
      <h2>API tokens</h2>
      <table className="data">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Prefix</th>
            <th scope="col">Scopes</th>
            <th scope="col">Expires</th>
            <th scope="col">Last used</th>
            <th scope="col">
              <span className="ui-sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {tokens.map((t) => (
            <tr key={t.id}>
              <td>{t.name}</td>
              <td>
                <code>{t.prefix}…</code>
              </td>
              <td>{t.scopes.join(", ")}</td>
              <td>{t.expiresAt.slice(0, 10)}</td>
              <td>{t.lastUsedAt ? formatTime(t.lastUsedAt) : "never"}</td>
              <td>{t.revokedAt ? "revoked" : <RevokeToken id={t.id} name={t.name} />}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <TokenForm scopes={grantable} />
    </>
  );
}
