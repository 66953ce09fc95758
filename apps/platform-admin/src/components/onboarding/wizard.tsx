"use client";

import type { ResourceStep } from "@dotmac/contracts";
import { previewSteps } from "@dotmac/contracts/preview-steps";
import { slugProblem } from "@dotmac/contracts/slug-rules";
import { answer, type FieldErrors } from "@dotmac/ui";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { platform } from "../api.ts";
import { BrandingStep } from "./branding-step.tsx";
import { DetailsStep } from "./details-step.tsx";
import { type Draft, initialDraft, requestOf, type StepProps, type TierInfo } from "./draft.ts";
import { ReviewStep } from "./review-step.tsx";

const STEPS = ["details", "branding", "review"] as const;
type Step = (typeof STEPS)[number];

/**
 * Onboarding in three steps: details (with a live slug check), branding (with a preview), and a
 * review showing what the stamp will create, from the API's preview, before anything exists.
 * A step is a component of its own in this folder, given the draft (`StepProps`).
 */
export function OnboardingWizard({ tiers }: { tiers: readonly TierInfo[] }) {
  const router = useRouter();
  const [step, setStep] = useState<Step>("details");
  const [draft, setDraft] = useState<Draft>(() => initialDraft(tiers));
  const [slugState, setSlugState] = useState<{ ok: boolean; message: string }>({ ok: false, message: "" });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState("");
  const [preview, setPreview] = useState<ResourceStep[] | undefined>();
  const [busy, setBusy] = useState(false);
  const props: StepProps = {
    draft,
    set: (key, value) => setDraft((d) => ({ ...d, [key]: value })),
    update: setDraft,
    bind: (key) => ({
      name: key,
      value: draft[key],
      onChange: (e) => setDraft((d) => ({ ...d, [key]: e.target.value })),
    }),
    errors,
  };

  useEffect(() => {
    if (!draft.slug) return setSlugState({ ok: false, message: "" });
    const problem = slugProblem(draft.slug);
    if (problem) return setSlugState({ ok: false, message: problem });
    const timer = setTimeout(async () => {
      const res = await platform.tenants[":slug"].$get({ param: { slug: draft.slug } });
      setSlugState(
        res.status === 404
          ? { ok: true, message: `${draft.slug} is available` }
          : { ok: false, message: `${draft.slug} is taken` },
      );
    }, 250);
    return () => clearTimeout(timer);
  }, [draft.slug]);

  const review = async () => {
    setBusy(true);
    setMessage("Asking the engine what it would create…");
    setPreview(undefined);
    const res = await answer(
      platform.tenants.preview.$post({ query: { wait: "true" }, json: requestOf(draft) }),
    );
    setBusy(false);
    if (res.ok) {
      setErrors({});
      setMessage("");
      setPreview(previewSteps(res.body));
      setStep("review");
    } else {
      setErrors(res.fields);
      setMessage(res.problem?.violations?.map((v) => v.message).join("; ") || res.message);
      setStep("details");
    }
  };

  const submit = async () => {
    setBusy(true);
    const res = await answer(platform.tenants.$post({ header: {}, json: requestOf(draft) }));
    setBusy(false);
    if (res.ok) router.push(`/operations/${res.body.operationId}`);
    else {
      setErrors(res.fields);
      setMessage(res.message);
    }
  };

  return (
    <div className="card">
      <ol className="toolbar" aria-label="Steps">
        {STEPS.map((s, i) => (
          <li
            key={s}
            aria-current={step === s ? "step" : undefined}
            style={{ fontWeight: step === s ? 700 : 400 }}
          >
            {i + 1}. {s}
          </li>
        ))}
      </ol>
      {step === "details" ? (
        <DetailsStep
          {...props}
          tiers={tiers}
          slugState={slugState}
          message={message}
          onNext={() => setStep("branding")}
        />
      ) : null}
      {step === "branding" ? (
        <BrandingStep
          {...props}
          busy={busy}
          message={message}
          onBack={() => setStep("details")}
          onNext={() => void review()}
        />
      ) : null}
      {step === "review" ? (
        <ReviewStep
          draft={draft}
          preview={preview}
          busy={busy}
          message={message}
          onBack={() => setStep("branding")}
          onSubmit={() => void submit()}
        />
      ) : null}
    </div>
  );
}
