"use client";

import { Field } from "@dotmac/ui";
import type { StepProps } from "./draft.ts";

/** Step 2: the name, logo and colour staff and subscribers see, with a preview. */
export function BrandingStep({
  draft,
  set,
  bind,
  errors,
  busy,
  message,
  onBack,
  onNext,
}: StepProps & { busy: boolean; message: string; onBack: () => void; onNext: () => void }) {
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        onNext();
      }}
    >
      <Field label="Name shown to staff and subscribers (optional)" {...bind("brandName")} />
      <Field label="Logo URL (https, optional)" {...bind("logoUrl")} error={errors["branding.logoUrl"]} />
      <Field
        label="Primary colour"
        name="primaryColor"
        type="color"
        value={draft.primaryColor}
        onChange={(e) => set("primaryColor", e.target.value.toUpperCase())}
        error={errors["branding.primaryColor"]}
      />
      <figure
        aria-label="Branding preview"
        style={{
          border: `3px solid ${draft.primaryColor}`,
          borderRadius: 8,
          padding: "0.75rem",
          margin: "0.5rem 0",
        }}
      >
        {/^https:\/\//.test(draft.logoUrl) ? <img src={draft.logoUrl} alt="" height={32} /> : null}{" "}
        <strong style={{ color: draft.primaryColor }}>{draft.brandName || draft.displayName}</strong>
        <p style={{ margin: "0.5rem 0 0" }}>
          <span className="button" style={{ background: draft.primaryColor }}>
            Sign in
          </span>
        </p>
      </figure>
      <div className="toolbar">
        <button type="button" className="secondary" onClick={onBack}>
          Back
        </button>
        <button type="submit" disabled={busy}>
          Next: review
        </button>
      </div>
      <p role="status">{message}</p>
    </form>
  );
}
