"use client";

import { answer, JsonForm } from "@dotmac/ui";
import Link from "next/link";
import { useState } from "react";
import { ispOps } from "../api.ts";

/** One press confirms (never the page load: mail scanners open links too). */
export function ConfirmEmailForm({ token }: { token: string }) {
  const [done, setDone] = useState(false);
  if (done) {
    return (
      <p role="status">
        Your e-mail address is changed. <Link href="/portal">Your service</Link>
      </p>
    );
  }
  return (
    <JsonForm
      send={(json) => answer(ispOps.portal.account.email.confirm.$post({ json }))}
      toJson={(_: FormData) => ({ token })}
      submit="Confirm this address"
      done="Confirmed."
      onSuccess={() => setDone(true)}
    >
      {(errors) => (errors.token ? <p className="error">{errors.token}</p> : null)}
    </JsonForm>
  );
}
