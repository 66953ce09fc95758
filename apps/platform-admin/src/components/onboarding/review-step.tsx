"use client";

import type { ResourceStep } from "@dotmac/contracts";
import type { Draft } from "./draft.ts";

/** Step 3: what the stamp will create, from the engine's preview, before anything exists. */
export function ReviewStep({
  draft,
  preview,
  busy,
  message,
  onBack,
  onSubmit,
}: {
  draft: Draft;
  preview: readonly ResourceStep[] | undefined;
  busy: boolean;
  message: string;
  onBack: () => void;
  onSubmit: () => void;
}) {
  return (
    <section aria-labelledby="review-title">
      <h3 id="review-title">
        {draft.displayName} ({draft.slug}) on {draft.plan}, {draft.seats} seats
      </h3>
      <p>The stamp will create {preview?.length ?? 0} resources:</p>
      <ul style={{ maxHeight: 320, overflow: "auto" }}>
        {(preview ?? []).map((s) => (
          <li key={`${s.type}-${s.name}`}>
            <code>{s.type}</code> {s.name}
          </li>
        ))}
      </ul>
      <div className="toolbar">
        <button type="button" className="secondary" onClick={onBack}>
          Back
        </button>
        <button type="button" onClick={onSubmit} disabled={busy}>
          Onboard {draft.displayName}
        </button>
      </div>
      <p role="status">{message}</p>
    </section>
  );
}
