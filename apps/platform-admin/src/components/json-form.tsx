"use client";

import { ApiForm } from "@dotmac/ui";
import { useRouter } from "next/navigation";
import type { ComponentProps } from "react";
import { callApi } from "./api.ts";

/** An ApiForm that POSTs to one route of this app's API and refreshes the page's data after. */
export function JsonForm({
  path,
  method = "POST",
  ...form
}: { path: string; method?: string } & Omit<ComponentProps<typeof ApiForm>, "send">) {
  const router = useRouter();
  return (
    <ApiForm
      send={(json) => callApi(path, { method, json })}
      {...form}
      onSuccess={(body) => {
        form.onSuccess?.(body);
        router.refresh();
      }}
    />
  );
}
