"use client";

import { Field } from "@dotmac/ui";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { callApi, type FieldErrors } from "./api.ts";

const number = (v: FormDataEntryValue | null) => (v === null || v === "" ? null : Number(v));

export function PlanForm() {
  const router = useRouter();
  const [errors, setErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState("");
  return (
    <form
      className="card"
      onSubmit={async (e) => {
        e.preventDefault();
        const form = e.currentTarget;
        const d = new FormData(form);
        const capGb = number(d.get("capGb"));
        const res = await callApi("/plans", {
          method: "POST",
          json: {
            name: d.get("name"),
            downloadKbps: Math.round((number(d.get("downMbps")) ?? 0) * 1000),
            uploadKbps: Math.round((number(d.get("upMbps")) ?? 0) * 1000),
            dataCapBytes: capGb === null ? null : Math.round(capGb * 1e9),
            priceMinor: Math.round((number(d.get("price")) ?? 0) * 100),
            currency: String(d.get("currency") ?? "").toUpperCase(),
            vendorAttributes: Object.fromEntries(
              String(d.get("vendorAttributes") ?? "")
                .split("\n")
                .map((line) => line.split("=").map((part) => part.trim()))
                .filter(([name, value]) => name && value),
            ),
          },
        });
        if (res.ok) {
          form.reset();
          setErrors({});
          setMessage(`Plan ${res.body.name} created.`);
          router.refresh();
        } else {
          setErrors(res.fields);
          setMessage(res.message);
        }
      }}
    >
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
      <p role="status">{message}</p>
      <button type="submit">Create plan</button>
    </form>
  );
}
