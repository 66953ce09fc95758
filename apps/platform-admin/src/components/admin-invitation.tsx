"use client";

import { answer } from "@dotmac/ui";
import { useState } from "react";
import { platform } from "./api.ts";

/** The ISP's first admin the spec names, and a new invitation for them when the first was lost. */
export function AdminInvitation({
  slug,
  admin,
  canWrite,
}: {
  slug: string;
  admin: { name: string; email: string } | undefined;
  canWrite: boolean;
}) {
  const [message, setMessage] = useState("");
  return (
    <section className="card" aria-labelledby="isp-admin">
      <h3 id="isp-admin">ISP admin</h3>
      {admin ? (
        <p>
          {admin.name} &lt;{admin.email}&gt; is invited to set an isp-ops password when the tenant comes up.
        </p>
      ) : (
        <p>This tenant names no admin: its staff are created in isp-ops.</p>
      )}
      {admin && canWrite ? (
        <button
          type="button"
          className="secondary"
          onClick={async () => {
            const res = await answer(
              platform.tenants[":slug"]["admin-invitation"].$post({ param: { slug } }),
            );
            setMessage(res.ok ? `A new invitation goes to ${admin.email} within seconds.` : res.message);
          }}
        >
          Resend invitation
        </button>
      ) : null}
      {message ? <p role="status">{message}</p> : null}
    </section>
  );
}
