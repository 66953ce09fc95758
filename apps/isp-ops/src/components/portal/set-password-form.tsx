"use client";

import { answer, JsonForm, text } from "@dotmac/ui";
import Link from "next/link";
import { useState } from "react";
import { ispOps } from "../api.ts";
import { NewPasswordField } from "./new-password-field.tsx";

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
      {(errors) => <NewPasswordField error={errors.password ?? errors.token} />}
    </JsonForm>
  );
}
