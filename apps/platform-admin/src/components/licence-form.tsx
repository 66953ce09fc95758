"use client";

import { ApiForm, answer, Field, text } from "@dotmac/ui";
import { useRouter } from "next/navigation";
import { platform } from "./api.ts";

/** Seats and an optional end date for one tenant's licence. */
export function LicenceForm({ slugs }: { slugs: string[] }) {
  const router = useRouter();
  return (
    <ApiForm
      submit="Save licence"
      done="Licence saved."
      toJson={(d: FormData) => ({
        slug: text(d, "slug"),
        seats: Number(d.get("seats")),
        validUntil: d.get("validUntil") ? new Date(`${d.get("validUntil")}T23:59:59Z`).toISOString() : null,
      })}
      send={({ slug, ...licence }) =>
        answer(platform.tenants[":slug"].licence.$put({ param: { slug }, json: licence }))
      }
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
