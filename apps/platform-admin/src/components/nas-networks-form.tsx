"use client";

import { ApiForm, answer, Field } from "@dotmac/ui";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { platform } from "./api.ts";
import { listFieldError, textList } from "./text-list.ts";

/**
 * The networks RADIUS accepts packets from (the tenant's NetworkPolicy). The tenant's isp-ops
 * replaces this list with its NAS devices' networks whenever a NAS is added, moved or removed.
 */
export function NasNetworksForm({ slug, nasCidrs }: { slug: string; nasCidrs: readonly string[] }) {
  const router = useRouter();
  const [text, setText] = useState(nasCidrs.join(", "));
  return (
    <ApiForm
      send={(json) => answer(platform.tenants[":slug"].$patch({ param: { slug }, header: {}, json }))}
      toJson={() => ({ nasCidrs: textList(text) })}
      submit="Save NAS networks"
      done="Saved; deploying."
      onSuccess={(body) => router.push(`/operations/${body.operationId}`)}
    >
      {(errors) => (
        <>
          <h3>NAS networks</h3>
          <p>
            RADIUS takes packets from these networks only. The ISP's isp-ops replaces the list with its NAS
            devices' networks whenever staff add, move or remove a NAS.
          </p>
          <Field
            label="NAS networks (CIDRs, comma-separated)"
            name="nasCidrs"
            value={text}
            onChange={(e) => setText(e.target.value)}
            error={listFieldError(errors, "nasCidrs", text)}
          />
        </>
      )}
    </ApiForm>
  );
}
