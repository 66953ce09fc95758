"use client";

import { answer, Field, JsonForm, text } from "@dotmac/ui";
import Link from "next/link";
import { useState } from "react";
import { ispOps } from "./api.ts";

/** An invited staff member's first password, as long as the server asks (StaffCreate). */
export function StaffPasswordForm({ token }: { token: string }) {
  const [done, setDone] = useState(false);
  if (done) {
    return (
      <p role="status">
        Your staff password is set. <Link href="/login">Sign in</Link>
      </p>
    );
  }
  return (
    <JsonForm
      send={(json) => answer(ispOps.auth.password.$post({ json }))}
      toJson={(d: FormData) => ({ token, password: text(d, "password") })}
      submit="Set password"
      done="Set."
      onSuccess={() => setDone(true)}
    >
      {(errors) => (
        <Field
          label="New password (at least 12 characters)"
          name="password"
          type="password"
          autoComplete="new-password"
          minLength={12}
          required
          error={errors.password ?? errors.token}
        />
      )}
    </JsonForm>
  );
}
