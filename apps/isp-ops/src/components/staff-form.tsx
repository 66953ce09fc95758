"use client";

import { Field, JsonForm } from "@dotmac/ui";

export function StaffForm({ permissions }: { permissions: readonly string[] }) {
  return (
    <JsonForm
      apiBase="/api/v1"
      path="/staff"
      submit="Add staff member"
      done="Staff member added."
      toJson={(d) => ({
        email: d.get("email"),
        displayName: d.get("displayName"),
        password: d.get("password"),
        role: d.get("role"),
        permissions: d.getAll("permissions"),
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
