"use client";

import type { BillingCycle, BillingMode, CapMode } from "@dotmac/contracts";
import { ApiForm, answer, choice, Field, text } from "@dotmac/ui";
import { useRouter } from "next/navigation";
import { ispOps } from "./api.ts";
import { parseAttributeLines } from "./attribute-lines.ts";

const number = (v: FormDataEntryValue | null) => (v === null || v === "" ? null : Number(v));

export function PlanForm() {
  const router = useRouter();
  return (
    <ApiForm
      send={(json) => answer(ispOps.plans.$post({ json }))}
      toJson={(d: FormData) => {
        const capGb = number(d.get("capGb"));
        return {
          name: text(d, "name"),
          downloadKbps: Math.round((number(d.get("downMbps")) ?? 0) * 1000),
          uploadKbps: Math.round((number(d.get("upMbps")) ?? 0) * 1000),
          dataCapBytes: capGb === null ? null : Math.round(capGb * 1e9),
          capMode: choice<CapMode>(d, "capMode"),
          priceMinor: Math.round((number(d.get("price")) ?? 0) * 100),
          billingCycle: choice<BillingCycle>(d, "billingCycle"),
          billingMode: choice<BillingMode>(d, "billingMode"),
          overagePerGbMinor: d.get("overage") ? Math.round((number(d.get("overage")) ?? 0) * 100) : null,
          currency: String(d.get("currency") ?? "").toUpperCase(),
          vendorAttributes: parseAttributeLines(String(d.get("vendorAttributes") ?? "")),
        };
      }}
      submit="Create plan"
      done={(plan) => `Plan ${plan.name} created.`}
      onSuccess={() => router.refresh()}
    >
      {(errors) => (
        <>
          <h3>New plan</h3>
          <Field label="Name" name="name" required error={errors.name} />
          <Field
            label="Download (Mbit/s)"
            name="downMbps"
            type="number"
            min="0.064"
            step="any"
            required
            error={errors.downloadKbps}
          />
          <Field
            label="Upload (Mbit/s)"
            name="upMbps"
            type="number"
            min="0.064"
            step="any"
            required
            error={errors.uploadKbps}
          />
          <Field
            label="Data cap (GB, empty for none)"
            name="capGb"
            type="number"
            min="1"
            step="any"
            error={errors.dataCapBytes}
          />
          <div className="ui-field">
            <label htmlFor="field-capMode">At the cap</label>
            <select id="field-capMode" name="capMode" defaultValue="hard">
              <option value="hard">refuse logins</option>
              <option value="soft">keep serving (postpaid plans can charge for it)</option>
            </select>
          </div>
          <div className="ui-field">
            <label htmlFor="field-billingCycle">Billing cycle</label>
            <select id="field-billingCycle" name="billingCycle" defaultValue="monthly">
              <option value="monthly">monthly</option>
              <option value="quarterly">quarterly</option>
              <option value="yearly">yearly</option>
            </select>
          </div>
          <div className="ui-field">
            <label htmlFor="field-billingMode">Invoiced</label>
            <select id="field-billingMode" name="billingMode" defaultValue="prepaid">
              <option value="prepaid">in advance (prepaid)</option>
              <option value="postpaid">in arrears, with usage (postpaid)</option>
            </select>
          </div>
          <Field
            label="Price per GB over the cap (postpaid, empty for none)"
            name="overage"
            type="number"
            min="0.01"
            step="0.01"
            error={errors.overagePerGbMinor}
          />
          <Field
            label="Price per cycle"
            name="price"
            type="number"
            min="0"
            step="0.01"
            required
            error={errors.priceMinor}
          />
          <Field
            label="Currency"
            name="currency"
            defaultValue="EUR"
            maxLength={3}
            required
            error={errors.currency}
          />
          <div className="ui-field">
            <label htmlFor="field-vendorAttributes">
              Vendor attributes (optional, one per line: Name = value)
            </label>
            <textarea
              id="field-vendorAttributes"
              name="vendorAttributes"
              rows={3}
              placeholder={`Mikrotik-Address-List = fibre\nMikrotik-Group = pppoe-default`}
            />
            {Object.entries(errors)
              .filter(([path]) => path.startsWith("vendorAttributes"))
              .map(([path, text]) => (
                <p key={path} className="ui-field-error">
                  {text}
                </p>
              ))}
          </div>
        </>
      )}
    </ApiForm>
  );
}
