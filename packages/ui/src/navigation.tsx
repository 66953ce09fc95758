"use client";

import { useRouter } from "next/navigation";
import type { ComponentProps } from "react";
import { apiCaller } from "./api-client.ts";
import { ApiForm } from "./api-form.tsx";

/** Ends the session at `${apiBase}/auth/logout` and goes to the sign-in page. */
export function SignOut({ apiBase }: { apiBase: string }) {
  const router = useRouter();
  return (
    <button
      type="button"
      className="secondary"
      onClick={async () => {
        await apiCaller(apiBase)("/auth/logout", { method: "POST" });
        router.replace("/login");
      }}
    >
      Sign out
    </button>
  );
}

/** An ApiForm that sends to one route of an API and refreshes the page's data after. */
export function JsonForm({
  apiBase,
  path,
  method = "POST",
  ...form
}: { apiBase: string; path: string; method?: string } & Omit<ComponentProps<typeof ApiForm>, "send">) {
  const router = useRouter();
  return (
    <ApiForm
      send={(json) => apiCaller(apiBase)(path, { method, json })}
      {...form}
      onSuccess={(body) => {
        form.onSuccess?.(body);
        router.refresh();
      }}
    />
  );
}
