"use client";

import { Field, JsonForm } from "@dotmac/ui";

export function NasForm() {
  return (
    <JsonForm
      apiBase="/api/v1"
      path="/nas"
      submit="Add NAS"
      done="NAS added. RADIUS picks it up within 30 s."
      toJson={(d) => ({
        name: d.get("name"),
        network: d.get("network"),
        vendor: d.get("vendor"),
        secret: d.get("secret"),
        coaPort: Number(d.get("coaPort") || 3799),
        requireMessageAuthenticator: d.get("requireMessageAuthenticator") === "on",
      })}
    >
      {(errors) => (
        <>
          <h3>Add a NAS</h3>
          <Field label="Name" name="name" required error={errors.name} />
          <Field
            label="Address or network (CIDR)"
            name="network"
            placeholder="192.0.2.10/32"
            required
            error={errors.network}
          />
          <div className="ui-field">
            <label htmlFor="field-vendor">Vendor</label>
            <select id="field-vendor" name="vendor" defaultValue="mikrotik">
              {["mikrotik", "cisco", "juniper", "huawei", "nokia", "other"].map((v) => (
                <option key={v}>{v}</option>
              ))}
            </select>
          </div>
          <Field
            label="Shared secret"
            name="secret"
            type="password"
            autoComplete="new-password"
            required
            error={errors.secret}
          />
          <Field label="CoA port" name="coaPort" type="number" defaultValue="3799" error={errors.coaPort} />
          <label>
            <input type="checkbox" name="requireMessageAuthenticator" defaultChecked /> Require
            Message-Authenticator
          </label>
        </>
      )}
    </JsonForm>
  );
}
