"use client";

import { useRouter } from "next/navigation";
import { ApiForm, type ApiFormProps } from "./api-form.tsx";

/** Ends the session at `${apiBase}/auth/logout` and goes to the sign-in page (`signIn`). */
export function SignOut({ apiBase, signIn = "/login" }: { apiBase: string; signIn?: string }) {
  const router = useRouter();
  return (
    <button
      type="button"
      className="secondary"
      onClick={async () => {
        await fetch(`${apiBase}/auth/logout`, { method: "POST" });
        router.replace(signIn);
      }}
    >
      Sign out
    </button>
  );
}

/** An ApiForm that refreshes the page's data after a success. */
export function JsonForm<In, Out>(form: ApiFormProps<In, Out>) {
  const router = useRouter();
  return (
    <ApiForm
      {...form}
      onSuccess={(body) => {
        form.onSuccess?.(body);
        router.refresh();
      }}
    />
  );
}
