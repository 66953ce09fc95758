"use client";

import { useRouter } from "next/navigation";
import { callApi } from "./api.ts";

export function SignOut() {
  const router = useRouter();
  return (
    <button
      type="button"
      className="secondary"
      onClick={async () => {
        await callApi("/auth/logout", { method: "POST" });
        router.replace("/login");
      }}
    >
      Sign out
    </button>
  );
}
