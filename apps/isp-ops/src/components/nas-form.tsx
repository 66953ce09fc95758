"use client";

import type { NasVendor } from "@dotmac/contracts";
import { answer, choice, Field, JsonForm, text } from "@dotmac/ui";
import { ispOps } from "./api.ts";

/** A NAS as the page shows it (never its secret). */
interface Nas {
  id: string;
  name: string;
  network: string;
  vendor: string;
  coaPort: number;
  requireMessageAuthenticator: boolean;
}

const vendors = ["mikrotik", "cisco", "juniper", "huawei", "nokia", "other"];

/** Adds a NAS or, given one, changes it; a blank secret keeps the current one. */
export function NasForm({ nas }: { nas?: Nas }) {
  const id = (name: string) => (nas ? `nas-${nas.id}-${name}` : `field-${name}`);
  return (
    <JsonForm
      send={(json) =>
        nas
          ? answer(ispOps.nas[":id"].$patch({ param: { id: nas.id }, json }))
          : answer(ispOps.nas.$post({ json: { ...json, secret: json.secret ?? "" } }))
      }
      submit={nas ? "Save NAS" : "Add NAS"}
      done={
        nas
          ? "Saved. RADIUS uses it from now on: change the router's secret too."
          : "NAS added. RADIUS answers it from now on."
      }
      toJson={(d: FormData) => {
        const secret = text(d, "secret");
        return {
          name: text(d, "name"),
          network: text(d, "network"),
          vendor: choice<NasVendor>(d, "vendor"),
          ...(nas && !secret ? {} : { secret }),
          coaPort: Number(d.get("coaPort") || 3799),
          requireMessageAuthenticator: d.get("requireMessageAuthenticator") === "on",
        };
      }}
    >
      {(errors) => (
        <>
          {nas ? null : <h3>Add a NAS</h3>}
          <Field
            label="Name"
            name="name"
            id={id("name")}
            defaultValue={nas?.name}
            required
            error={errors.name}
          />
          <Field
            label="Address or network (CIDR)"
            name="network"
            id={id("network")}
            placeholder="192.0.2.10/32"
            defaultValue={nas?.network}
            required
            error={errors.network}
          />
          <div className="ui-field">
            <label htmlFor={id("vendor")}>Vendor</label>
            <select id={id("vendor")} name="vendor" defaultValue={nas?.vendor ?? "mikrotik"}>
              {vendors.map((v) => (
                <option key={v}>{v}</option>
              ))}
            </select>
          </div>
          <Field
            label={nas ? "New shared secret (blank keeps it)" : "Shared secret"}
            name="secret"
            id={id("secret")}
            type="password"
            autoComplete="new-password"
            required={!nas}
            error={errors.secret}
          />
          <Field
            label="CoA port"
            name="coaPort"
            id={id("coaPort")}
            type="number"
            defaultValue={String(nas?.coaPort ?? 3799)}
            error={errors.coaPort}
          />
          <label>
            <input
              type="checkbox"
              name="requireMessageAuthenticator"
              defaultChecked={nas?.requireMessageAuthenticator ?? true}
            />{" "}
            Require Message-Authenticator
          </label>
        </>
      )}
    </JsonForm>
  );
}
