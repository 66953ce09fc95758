import { Field } from "@dotmac/ui";

/** The new portal password, as long as the server asks (CustomerPassword). */
export function NewPasswordField({ error }: { error?: string | undefined }) {
  return (
    <Field
      label="New password (at least 10 characters)"
      name="password"
      type="password"
      autoComplete="new-password"
      minLength={10}
      required
      error={error}
    />
  );
}
