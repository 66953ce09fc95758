"use client";

import { slugProblem } from "@dotmac/contracts/slug-rules";
import { Field } from "@dotmac/ui";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { callApi, type FieldErrors } from "./api.ts";
import { textList as list, listFieldError } from "./text-list.ts";

export interface TierInfo {
  readonly plan: string;
  readonly maxSeats: number;
  readonly features: readonly string[];
  readonly defaultFeatures: readonly string[];
  readonly summary: string;
}

interface Draft {
  slug: string;
  displayName: string;
  plan: string;
  seats: number;
  features: string[];
  customDomains: string;
  nasCidrs: string;
  primaryColor: string;
  brandName: string;
  logoUrl: string;
  baseDomain: string;
  region: string;
  database: "postgres" | "aws" | "gcp";
  awsVpcId: string;
  awsSubnetIds: string;
  awsClusterCidrs: string;
  gcpProject: string;
  gcpNetwork: string;
}

type Step = "details" | "branding" | "review";

/**
 * Onboarding in three steps: details (with a live slug check), branding (with a preview), and a
 * review showing what the stamp will create, from the API's preview, before anything exists.
 */
export function OnboardingWizard({ tiers }: { tiers: readonly TierInfo[] }) {
  const router = useRouter();
  const [step, setStep] = useState<Step>("details");
  const [draft, setDraft] = useState<Draft>({
    slug: "",
    displayName: "",
    plan: tiers[0]?.plan ?? "starter",
    seats: 5,
    features: [...(tiers[0]?.defaultFeatures ?? [])],
    customDomains: "",
    nasCidrs: "",
    primaryColor: "#0066CC",
    brandName: "",
    logoUrl: "",
    baseDomain: "dotmac.io",
    region: "local",
    database: "postgres",
    awsVpcId: "",
    awsSubnetIds: "",
    awsClusterCidrs: "",
    gcpProject: "",
    gcpNetwork: "",
  });
  const [slugState, setSlugState] = useState<{ ok: boolean; message: string }>({ ok: false, message: "" });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState("");
  const [preview, setPreview] = useState<{ op: string; type: string; name: string }[] | undefined>();
  const [busy, setBusy] = useState(false);
  const tier = tiers.find((t) => t.plan === draft.plan);
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));

  useEffect(() => {
    if (!draft.slug) return setSlugState({ ok: false, message: "" });
    const problem = slugProblem(draft.slug);
    if (problem) return setSlugState({ ok: false, message: problem });
    const timer = setTimeout(async () => {
      const res = await callApi(`/tenants/${draft.slug}`);
      setSlugState(
        res.status === 404
          ? { ok: true, message: `${draft.slug} is available` }
          : { ok: false, message: `${draft.slug} is taken` },
      );
    }, 250);
    return () => clearTimeout(timer);
  }, [draft.slug]);

  const request = () => ({
    slug: draft.slug,
    displayName: draft.displayName,
    plan: draft.plan,
    seats: draft.seats,
    features: draft.features,
    customDomains: list(draft.customDomains),
    nasCidrs: list(draft.nasCidrs),
    baseDomain: draft.baseDomain,
    region: draft.region,
    database:
      draft.database === "aws"
        ? {
            target: "aws",
            vpcId: draft.awsVpcId,
            subnetIds: list(draft.awsSubnetIds),
            clusterCidrs: list(draft.awsClusterCidrs),
          }
        : draft.database === "gcp"
          ? { target: "gcp", project: draft.gcpProject, network: draft.gcpNetwork }
          : { target: "postgres" },
    branding: {
      primaryColor: draft.primaryColor,
      ...(draft.brandName ? { name: draft.brandName } : {}),
      ...(draft.logoUrl ? { logoUrl: draft.logoUrl } : {}),
    },
  });

  const review = async () => {
    setBusy(true);
    setMessage("Asking the engine what it would create…");
    setPreview(undefined);
    const res = await callApi("/tenants/preview?wait=true", { method: "POST", json: request() });
    setBusy(false);
    if (res.ok) {
      setErrors({});
      setMessage("");
      setPreview(res.body.result?.steps ?? []);
      setStep("review");
    } else {
      setErrors(res.fields);
      setMessage(res.body?.violations?.map((v: { message: string }) => v.message).join("; ") || res.message);
      setStep("details");
    }
  };

  const submit = async () => {
    setBusy(true);
    const res = await callApi("/tenants", { method: "POST", json: request() });
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
        {(["details", "branding", "review"] as const).map((s, i) => (
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
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (slugState.ok) setStep("branding");
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
          <Field
            label="Name"
            name="displayName"
            value={draft.displayName}
            onChange={(e) => set("displayName", e.target.value)}
            required
            error={errors.displayName}
          />
          <fieldset>
            <legend>Plan</legend>
            {tiers.map((t) => (
              <label key={t.plan} style={{ display: "block", marginBottom: "0.5rem" }}>
                <input
                  type="radio"
                  name="plan"
                  value={t.plan}
                  checked={draft.plan === t.plan}
                  onChange={() => setDraft((d) => ({ ...d, plan: t.plan, features: [...t.defaultFeatures] }))}
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
            name="customDomains"
            value={draft.customDomains}
            onChange={(e) => set("customDomains", e.target.value)}
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
          <fieldset>
            <legend>Where it runs</legend>
            <div className="ui-field">
              <label htmlFor="field-database">Database</label>
              <select
                id="field-database"
                value={draft.database}
                onChange={(e) => {
                  const database = e.target.value as Draft["database"];
                  setDraft((d) => ({
                    ...d,
                    database,
                    region: database === "postgres" ? "local" : d.region === "local" ? "" : d.region,
                  }));
                }}
              >
                <option value="postgres">the platform's Postgres server</option>
                <option value="aws">Amazon RDS</option>
                <option value="gcp">Google Cloud SQL</option>
              </select>
            </div>
            {draft.database === "aws" ? (
              <>
                <Field
                  label="VPC id"
                  name="awsVpcId"
                  value={draft.awsVpcId}
                  onChange={(e) => set("awsVpcId", e.target.value)}
                  error={errors["database.vpcId"]}
                />
                <Field
                  label="Subnet ids (two zones at least)"
                  name="awsSubnetIds"
                  value={draft.awsSubnetIds}
                  onChange={(e) => set("awsSubnetIds", e.target.value)}
                  error={errors["database.subnetIds"] ?? errors["database.subnetIds.0"]}
                />
                <Field
                  label="Cluster CIDRs"
                  name="awsClusterCidrs"
                  value={draft.awsClusterCidrs}
                  onChange={(e) => set("awsClusterCidrs", e.target.value)}
                  error={errors["database.clusterCidrs"] ?? errors["database.clusterCidrs.0"]}
                />
              </>
            ) : null}
            {draft.database === "gcp" ? (
              <>
                <Field
                  label="GCP project"
                  name="gcpProject"
                  value={draft.gcpProject}
                  onChange={(e) => set("gcpProject", e.target.value)}
                  error={errors["database.project"]}
                />
                <Field
                  label="VPC network"
                  name="gcpNetwork"
                  value={draft.gcpNetwork}
                  onChange={(e) => set("gcpNetwork", e.target.value)}
                  error={errors["database.network"]}
                />
              </>
            ) : null}
            <Field
              label="Region"
              name="region"
              value={draft.region}
              disabled={draft.database === "postgres"}
              onChange={(e) => set("region", e.target.value)}
              error={errors.region}
            />
            <Field
              label="Base domain (the app is at <slug>.isp.<base domain>)"
              name="baseDomain"
              value={draft.baseDomain}
              onChange={(e) => set("baseDomain", e.target.value)}
              error={errors.baseDomain}
            />
          </fieldset>
          <p role="alert" className="error">
            {message}
          </p>
          <button type="submit" disabled={!slugState.ok || !draft.displayName}>
            Next: branding
          </button>
        </form>
      ) : null}
      {step === "branding" ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void review();
          }}
        >
          <Field
            label="Name shown to staff and subscribers (optional)"
            name="brandName"
            value={draft.brandName}
            onChange={(e) => set("brandName", e.target.value)}
          />
          <Field
            label="Logo URL (https, optional)"
            name="logoUrl"
            value={draft.logoUrl}
            onChange={(e) => set("logoUrl", e.target.value)}
            error={errors["branding.logoUrl"]}
          />
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
            <button type="button" className="secondary" onClick={() => setStep("details")}>
              Back
            </button>
            <button type="submit" disabled={busy}>
              Next: review
            </button>
          </div>
          <p role="status">{message}</p>
        </form>
      ) : null}
      {step === "review" ? (
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
            <button type="button" className="secondary" onClick={() => setStep("branding")}>
              Back
            </button>
            <button type="button" onClick={() => void submit()} disabled={busy}>
              Onboard {draft.displayName}
            </button>
          </div>
          <p role="status">{message}</p>
        </section>
      ) : null}
    </div>
  );
}
