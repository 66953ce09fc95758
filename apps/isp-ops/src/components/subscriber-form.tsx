"use client";

import { Field } from "@dotmac/ui";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { callApi, type FieldErrors } from "./api.ts";

export function SubscriberForm({ plans }: { plans: { id: string; name: string }[] }) {
  const router = useRouter();
  const [errors, setErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState("");
  return (
    <form
      className="card"
      onSubmit={async (e) => {
        e.preventDefault();
        const data = Object.fromEntries(new FormData(e.currentTarget)) as Record<string, string>;
        const res = await callApi("/subscribers", {
          method: "POST",
          json: { ...data, planId: data.planId || null },
        });
        if (res.ok) router.push(`/dashboard/subscribers/${res.body.id}`);
        else {
          setErrors(res.fields);
          setMessage(res.message);
        }
      }}
    >
      <Field label="Name" name="name" required error={errors.name} />
      <Field label="Service address" name="serviceAddress" required error={errors.serviceAddress} />
      <Field label="E-mail" name="email" type="email" error={errors.email} />
      <Field label="Phone" name="phone" error={errors.phone} />
      <div className="ui-field">
        <label htmlFor="field-planId">Plan</label>
        <select id="field-planId" name="planId" defaultValue="">
          <option value="">no plan yet</option>
          {plans.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
      </div>
      <Field label="Static IP (optional)" name="staticIp" error={errors.staticIp} />
      <Field label="RADIUS username" name="username" required error={errors.username} />
      <Field
        label="RADIUS password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        error={errors.password}
      />
      {message ? (
        <p className="error" role="alert">
          {message}
        </p>
      ) : null}
      <button type="submit">Create subscriber</button>
    </form>
  );
}
