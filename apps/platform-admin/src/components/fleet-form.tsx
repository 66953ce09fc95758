"use client";

import { answer, Field, JsonForm, text } from "@dotmac/ui";
import { useRouter } from "next/navigation";
import { platform } from "./api.ts";

/** A rollout of an isp-ops image to chosen tenants (all live ones when none is ticked). */
export function FleetForm({ tenants }: { tenants: { slug: string; displayName: string }[] }) {
  const router = useRouter();
  return (
    <JsonForm
      submit="Start rollout"
      done="Rollout queued."
      toJson={(d: FormData) => {
        const chosen = d.getAll("tenants").map(String);
        return {
          images: { ispOps: text(d, "image") },
          ...(chosen.length ? { tenants: chosen } : {}),
          parallelism: Number(d.get("parallelism") || 4),
          stopOnFailure: d.get("stopOnFailure") === "on",
        };
      }}
      send={(json) => answer(platform.fleet.rollouts.$post({ header: {}, json }))}
      onSuccess={(body) => router.push(`/operations/${body.operationId}`)}
    >
      {(errors) => (
        <>
          <Field
            label="isp-ops image"
            name="image"
            placeholder="registry.dotmac.io/dotmac/isp-ops:1.1.0"
            required
            error={errors["images.ispOps"] ?? errors.images}
          />
          <Field
            label="Parallelism"
            name="parallelism"
            type="number"
            min={1}
            max={32}
            defaultValue="4"
            error={errors.parallelism}
          />
          <label>
            <input type="checkbox" name="stopOnFailure" /> Stop at the first failure
          </label>
          <fieldset>
            <legend>Tenants (none ticked: every live tenant)</legend>
            {tenants.map((t) => (
              <label key={t.slug} style={{ display: "block" }}>
                <input type="checkbox" name="tenants" value={t.slug} /> {t.displayName} ({t.slug})
              </label>
            ))}
            {errors.tenants ? <p className="ui-field-error">{errors.tenants}</p> : null}
          </fieldset>
        </>
      )}
    </JsonForm>
  );
}
