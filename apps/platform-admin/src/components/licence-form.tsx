"use client";

import { ApiForm, Field } from "@dotmac/ui";
import { useRouter } from "next/navigation";
import { callApi } from "./api.ts";

/** Seats and an optional end date for one tenant's licence. */
export function LicenceForm({ slugs }: { slugs: string[] }) {
  const router = useRouter();
  return (
    <ApiForm
      submit="Save licence"
      done="Licence saved."
      toJson={(d) => ({
        slug: String(d.get("slug") ?? ""),
        seats: Number(d.get("seats")),
        validUntil: d.get("validUntil") ? new Date(`${d.get("validUntil")}T23:59:59Z`).toISOString() : null,
      })}
      send={(json) => {
        const { slug, ...licence } = json as { slug: string; seats: number; validUntil: string | null };
        return callApi(`/tenants/${encodeURIComponent(slug)}/licence`, { method: "PUT", json: licence });
      }}
      onSuccess={() => router.refresh()}
    >
      {(errors) => (
        <>
          <div className="ui-field">
            <label htmlFor="field-licence-slug">Tenant</label>
            <select id="field-licence-slug" name="slug">
              {slugs.map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
          </div>
          <Field label="Seats" name="seats" type="number" min={1} required error={errors.seats} />
          <Field label="Valid until (optional)" name="validUntil" type="date" error={errors.validUntil} />
        </>
      )}
    </ApiForm>
  );
}
