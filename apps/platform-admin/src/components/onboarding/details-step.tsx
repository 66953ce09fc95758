"use client";

import { Field } from "@dotmac/ui";
import { listFieldError } from "../text-list.ts";
import type { StepProps, TierInfo } from "./draft.ts";
import { PlacementFields } from "./placement-fields.tsx";

/** Step 1: who the tenant is, its plan, seats, features, domains, NAS networks and placement. */
export function DetailsStep(
  props: StepProps & {
    readonly tiers: readonly TierInfo[];
    readonly slugState: { ok: boolean; message: string };
    readonly message: string;
    readonly onNext: () => void;
  },
) {
  const { draft, set, bind, update, errors, tiers, slugState, message, onNext } = props;
  const tier = tiers.find((t) => t.plan === draft.plan);
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (slugState.ok) onNext();
      }}
    >
      <Field
        label="Slug"
        name="slug"
        value={draft.slug}
        onChange={(e) => set("slug", e.target.value.trim().toLowerCase())}
        required
        error={errors.slug ?? (slugState.ok ? undefined : slugState.message || undefined)}
      />
      {slugState.ok ? <p role="status">{slugState.message}</p> : null}
      <Field label="Name" {...bind("displayName")} required error={errors.displayName} />
      <fieldset>
        <legend>The ISP's first isp-ops admin (mailed an invitation to set a password)</legend>
        <Field label="Admin's name" {...bind("adminName")} error={errors["admin.name"] ?? errors.admin} />
        <Field
          label="Admin's e-mail"
          type="email"
          {...bind("adminEmail")}
          error={errors["admin.email"] ?? errors.admin}
        />
      </fieldset>
      <fieldset>
        <legend>Plan</legend>
        {tiers.map((t) => (
          <label key={t.plan} style={{ display: "block", marginBottom: "0.5rem" }}>
            <input
              type="radio"
              name="plan"
              value={t.plan}
              checked={draft.plan === t.plan}
              onChange={() => update((d) => ({ ...d, plan: t.plan, features: [...t.defaultFeatures] }))}
            />{" "}
            <strong>{t.plan}</strong>: {t.summary}
          </label>
        ))}
      </fieldset>
      <Field
        label={`Seats (at most ${tier?.maxSeats ?? "?"})`}
        name="seats"
        type="number"
        min={1}
        max={tier?.maxSeats}
        value={draft.seats}
        onChange={(e) => set("seats", Number(e.target.value))}
        error={errors.seats}
      />
      <fieldset>
        <legend>Features</legend>
        {(tier?.features ?? []).map((f) => (
          <label key={f} style={{ display: "inline-block", marginRight: "1rem" }}>
            <input
              type="checkbox"
              checked={draft.features.includes(f)}
              onChange={(e) =>
                set(
                  "features",
                  e.target.checked ? [...draft.features, f] : draft.features.filter((x) => x !== f),
                )
              }
            />{" "}
            {f}
          </label>
        ))}
      </fieldset>
      <Field
        label="Custom domains (optional, comma-separated)"
        {...bind("customDomains")}
        error={listFieldError(errors, "customDomains", draft.customDomains)}
      />
      <Field
        label="NAS networks (where the ISP's routers send RADIUS from; CIDRs, comma-separated)"
        name="nasCidrs"
        value={draft.nasCidrs}
        placeholder="100.64.0.0/24"
        onChange={(e) => set("nasCidrs", e.target.value)}
        error={listFieldError(errors, "nasCidrs", draft.nasCidrs)}
      />
      <PlacementFields {...props} />
      <p role="alert" className="error">
        {message}
      </p>
      <button type="submit" disabled={!slugState.ok || !draft.displayName}>
        Next: branding
      </button>
    </form>
  );
}
