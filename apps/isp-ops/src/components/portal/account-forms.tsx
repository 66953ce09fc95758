"use client";

import { answer, Field, JsonForm, text } from "@dotmac/ui";
import { ispOps } from "../api.ts";
import { NewPasswordField } from "./new-password-field.tsx";

const account = ispOps.portal.account;

/** The phone number, saved at once. */
export function ContactForm({ phone }: { phone: string | null }) {
  return (
    <JsonForm
      send={(json) => answer(account.$patch({ json }))}
      toJson={(d: FormData) => ({ phone: text(d, "phone") })}
      submit="Save phone number"
      done="Saved."
      reset={false}
    >
      {(errors) => (
        <Field
          label="Phone"
          name="phone"
          type="tel"
          autoComplete="tel"
          defaultValue={phone ?? ""}
          error={errors.phone}
        />
      )}
    </JsonForm>
  );
}

/** A new e-mail address: a link goes there, and nothing changes until it is opened. */
export function EmailChangeForm() {
  return (
    <JsonForm
      send={(json) => answer(account.email.$post({ json }))}
      toJson={(d: FormData) => ({ email: text(d, "email") })}
      submit="Send confirmation link"
      done={(sent) => `We sent a link to ${sent.sentTo}: open it to confirm the address.`}
    >
      {(errors) => (
        <Field
          label="New e-mail address"
          name="email"
          type="email"
          autoComplete="email"
          required
          error={errors.email}
        />
      )}
    </JsonForm>
  );
}

/** A new password, with the current one. */
export function PasswordChangeForm() {
  return (
    <JsonForm
      send={(json) => answer(account.password.$post({ json }))}
      toJson={(d: FormData) => ({
        currentPassword: text(d, "currentPassword"),
        password: text(d, "password"),
      })}
      submit="Change password"
      done="Your password is changed; you are signed out everywhere else."
    >
      {(errors) => (
        <>
          <Field
            label="Current password"
            name="currentPassword"
            type="password"
            autoComplete="current-password"
            required
            error={errors.currentPassword}
          />
          <NewPasswordField error={errors.password} />
        </>
      )}
    </JsonForm>
  );
}
