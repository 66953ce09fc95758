"use client";

import { ApiForm, Field } from "@dotmac/ui";
import { useRouter } from "next/navigation";
import { callApi } from "./api.ts";

/** Sets a flag everywhere, or overrides it for one tenant when a slug is given. */
export function FlagForm() {
  const router = useRouter();
  return (
    <ApiForm
      submit="Set flag"
      done="Flag set."
      toJson={(d) => ({
        key: String(d.get("key") ?? ""),
        tenant: String(d.get("tenant") ?? ""),
        enabled: d.get("enabled") === "on",
      })}
      send={(json) => {
        const { key, tenant, enabled } = json as { key: string; tenant: string; enabled: boolean };
        const path = tenant
          ? `/tenants/${encodeURIComponent(tenant)}/flags/${encodeURIComponent(key)}`
          : `/flags/${encodeURIComponent(key)}`;
        return callApi(path, { method: "PUT", json: { enabled } });
      }}
      onSuccess={() => router.refresh()}
    >
      {(errors) => (
        <>
          <Field label="Flag key" name="key" placeholder="e.g. billing.v2" required error={errors.key} />
          <Field label="Tenant slug (empty: every tenant)" name="tenant" error={errors.tenant} />
          <label>
            <input type="checkbox" name="enabled" /> Enabled
          </label>
        </>
      )}
    </ApiForm>
  );
}

export function RemoveOverride({ slug, flagKey }: { slug: string; flagKey: string }) {
  const router = useRouter();
  return (
    <button
      type="button"
      className="secondary"
      onClick={async () => {
        await callApi(`/tenants/${slug}/flags/${encodeURIComponent(flagKey)}`, { method: "DELETE" });
        router.refresh();
      }}
    >
      Remove override
    </button>
  );
}
