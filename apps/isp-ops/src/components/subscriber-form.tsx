"use client";

import { ApiForm, Field } from "@dotmac/ui";
import { useRouter } from "next/navigation";
import { callApi } from "./api.ts";
import { PlanOptions } from "./plan-options.tsx";

export function SubscriberForm({ plans }: { plans: { id: string; name: string }[] }) {
  const router = useRouter();
  return (
    <ApiForm
      send={(json) => callApi("/subscribers", { method: "POST", json })}
      toJson={(d) => {
        const data = Object.fromEntries(d) as Record<string, string>;
        return { ...data, planId: data.planId || null };
      }}
      submit="Create subscriber"
      done="Created."
      onSuccess={(created) => router.push(`/dashboard/subscribers/${created.id}`)}
    >
      {(errors) => (
        <>
          <Field label="Name" name="name" required error={errors.name} />
          <Field label="Service address" name="serviceAddress" required error={errors.serviceAddress} />
          <Field label="E-mail" name="email" type="email" error={errors.email} />
          <Field label="Phone" name="phone" error={errors.phone} />
          <div className="ui-field">
            <label htmlFor="field-planId">Plan</label>
            <select id="field-planId" name="planId" defaultValue="">
              <PlanOptions plans={plans} none="no plan yet" />
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
        </>
      )}
    </ApiForm>
  );
}
