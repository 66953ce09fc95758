"use client";

import { ApiForm, answer, Field, text } from "@dotmac/ui";
import { useRouter } from "next/navigation";
import { ispOps } from "./api.ts";
import { PlanOptions } from "./plan-options.tsx";

/** The details the new-subscriber and the edit form both send (no plan: null). */
export const detailsOf = (d: FormData) => ({
  name: text(d, "name"),
  serviceAddress: text(d, "serviceAddress"),
  email: text(d, "email"),
  phone: text(d, "phone"),
  planId: text(d, "planId") || null,
  staticIp: text(d, "staticIp"),
});

export function SubscriberForm({ plans }: { plans: { id: string; name: string }[] }) {
  const router = useRouter();
  return (
    <ApiForm
      send={(json) => answer(ispOps.subscribers.$post({ json }))}
      toJson={(d: FormData) => ({
        ...detailsOf(d),
        username: text(d, "username"),
        password: text(d, "password"),
      })}
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
