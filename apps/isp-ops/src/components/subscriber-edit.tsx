"use client";

import type { SubscriberDetail } from "@dotmac/contracts/isp-ops-responses";
import { ApiForm, answer, Field } from "@dotmac/ui";
import { useRouter } from "next/navigation";
import { ispOps } from "./api.ts";
import { PlanOptions } from "./plan-options.tsx";
import { detailsOf } from "./subscriber-form.tsx";

type Editable = Pick<
  SubscriberDetail,
  "id" | "name" | "email" | "phone" | "serviceAddress" | "planId" | "staticIp"
>;

export function SubscriberEdit({
  subscriber,
  plans,
}: {
  subscriber: Editable;
  plans: { id: string; name: string }[];
}) {
  const router = useRouter();
  return (
    <details className="card">
      <summary>Edit details</summary>
      <ApiForm
        className=""
        reset={false}
        send={(json) => answer(ispOps.subscribers[":id"].$patch({ param: { id: subscriber.id }, json }))}
        toJson={detailsOf}
        submit="Save"
        done="Saved."
        onSuccess={() => router.refresh()}
      >
        {(errors) => (
          <>
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
                <PlanOptions plans={plans} none="no plan" />
              </select>
            </div>
            <Field
              label="Static IP"
              name="staticIp"
              defaultValue={subscriber.staticIp ?? ""}
              error={errors.staticIp}
            />
          </>
        )}
      </ApiForm>
    </details>
  );
}
