"use client";

import { ApiForm, answer, Field, text } from "@dotmac/ui";
import { useRouter } from "next/navigation";
import { platform } from "./api.ts";

/** Sets a flag everywhere, or overrides it for one tenant when a slug is given. */
export function FlagForm() {
  const router = useRouter();
  return (
    <ApiForm
      submit="Set flag"
      done="Flag set."
      toJson={(d: FormData) => ({
        key: text(d, "key"),
        tenant: text(d, "tenant"),
        enabled: d.get("enabled") === "on",
      })}
      send={({ key, tenant, enabled }) =>
        answer(
          tenant
            ? platform.tenants[":slug"].flags[":key"].$put({
                param: { slug: tenant, key },
                json: { enabled },
              })
            : platform.flags[":key"].$put({ param: { key }, json: { enabled } }),
        )
      }
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
        await platform.tenants[":slug"].flags[":key"].$delete({ param: { slug, key: flagKey } });
        router.refresh();
      }}
    >
      Remove override
    </button>
  );
}
