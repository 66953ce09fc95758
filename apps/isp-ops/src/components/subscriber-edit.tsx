"use client";

import { Field } from "@dotmac/ui";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { callApi, type FieldErrors } from "./api.ts";

interface Editable {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  serviceAddress: string;
  planId: string | null;
  staticIp: string | null;
}

export function SubscriberEdit({
  subscriber,
  plans,
}: {
  subscriber: Editable;
  plans: { id: string; name: string }[];
}) {
  const router = useRouter();
  const [errors, setErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState("");
  return (
    <details className="card">
      <summary>Edit details</summary>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          const d = Object.fromEntries(new FormData(e.currentTarget)) as Record<string, string>;
          const res = await callApi(`/subscribers/${subscriber.id}`, {
            method: "PATCH",
            json: { ...d, planId: d.planId || null },
          });
          setErrors(res.ok ? {} : res.fields);
          setMessage(res.ok ? "Saved." : res.message);
          if (res.ok) router.refresh();
        }}
      >
        <Field label="Name" name="name" defaultValue={subscriber.name} required error={errors.name} />
        <Field
          label="Service address"
          name="serviceAddress"
          defaultValue={subscriber.serviceAddress}
          required
          error={errors.serviceAddress}
        />
        <Field
          label="E-mail"
          name="email"
          type="email"
          defaultValue={subscriber.email ?? ""}
          error={errors.email}
        />
        <Field label="Phone" name="phone" defaultValue={subscriber.phone ?? ""} error={errors.phone} />
        <div className="ui-field">
          <label htmlFor="field-edit-plan">Plan</label>
          <select id="field-edit-plan" name="planId" defaultValue={subscriber.planId ?? ""}>
            <option value="">no plan</option>
            {plans.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </div>
        <Field
          label="Static IP"
          name="staticIp"
          defaultValue={subscriber.staticIp ?? ""}
          error={errors.staticIp}
        />
        <p role="status">{message}</p>
        <button type="submit">Save</button>
      </form>
    </details>
  );
}
