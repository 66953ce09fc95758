"use client";

import type { StaffPermission } from "@dotmac/contracts";
import { answer, choices, Field, JsonForm, text } from "@dotmac/ui";
import { ispOps } from "./api.ts";

export function StaffForm({ permissions }: { permissions: readonly string[] }) {
  return (
    <JsonForm
      send={(json) => answer(ispOps.staff.$post({ json }))}
      submit="Add staff member"
      done="Staff member added."
      toJson={(d: FormData) => ({
        email: text(d, "email"),
        displayName: text(d, "displayName"),
        password: text(d, "password"),
        role: text(d, "role"),
        permissions: choices<StaffPermission>(d, "permissions"),
      })}
    >
      {(errors) => (
        <>
          <h3>Add a staff member</h3>
          <Field label="E-mail" name="email" type="email" required error={errors.email} />
          <Field label="Name" name="displayName" required error={errors.displayName} />
          <Field
            label="First password"
            name="password"
            type="password"
            autoComplete="new-password"
            required
            error={errors.password}
          />
          <Field label="Role" name="role" placeholder="e.g. helpdesk" required error={errors.role} />
          <fieldset>
            <legend>Permissions of a new role</legend>
            {permissions.map((p) => (
              <label key={p} style={{ display: "block" }}>
                <input type="checkbox" name="permissions" value={p} /> {p}
              </label>
            ))}
            {errors.permissions ? <p className="ui-field-error">{errors.permissions}</p> : null}
          </fieldset>
        </>
      )}
    </JsonForm>
  );
}
