"use client";

import { answer, Field, JsonForm, text } from "@dotmac/ui";
import Link from "next/link";
import { useState } from "react";
import { ispOps } from "../api.ts";

export function SetPasswordForm({ token }: { token: string }) {
  const [done, setDone] = useState(false);
  if (done) {
    return (
      <p role="status">
        Your password is set. <Link href="/portal/login">Sign in</Link>
      </p>
    );
  }
  return (
    <JsonForm
      send={(json) => answer(ispOps.portal.auth.password.$post({ json }))}
      toJson={(d: FormData) => ({ token, password: text(d, "password") })}
      submit="Set password"
      done="Set."
      onSuccess={() => setDone(true)}
    >
      {(errors) => (
        <>
          <Field
            label="New password (at least 10 characters)"
            name="password"
            type="password"
            autoComplete="new-password"
            minLength={10}
            required
            error={errors.password ?? errors.token}
          />
        </>
      )}
    </JsonForm>
  );
}
