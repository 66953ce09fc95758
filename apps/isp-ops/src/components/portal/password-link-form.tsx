"use client";

import { answer, Field, JsonForm, text } from "@dotmac/ui";
import { ispOps } from "../api.ts";

/** First time here, or forgot the password: a link goes to the e-mail address on file. */
export function PasswordLinkForm() {
  return (
    <JsonForm
      send={(json) => answer(ispOps.portal.auth["password-link"].$post({ json }))}
      toJson={(d: FormData) => ({ identifier: text(d, "identifier") })}
      submit="E-mail me a link"
      done="If we know this account, a link to set your password is on its way to the e-mail address we have."
    >
      {(errors) => (
        <>
          <h2>First time, or forgot your password?</h2>
          <Field
            id="link-identifier"
            label="Account number or e-mail"
            name="identifier"
            required
            error={errors.identifier}
          />
        </>
      )}
    </JsonForm>
  );
}
