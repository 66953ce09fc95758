"use client";

import { Field } from "@dotmac/ui";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { callApi } from "./api.ts";

export function LoginForm() {
  const router = useRouter();
  const [error, setError] = useState("");
  return (
    <form
      onSubmit={async (e) => {
        e.preventDefault();
        const data = new FormData(e.currentTarget);
        const res = await callApi("/auth/login", {
          method: "POST",
          json: { email: data.get("email"), password: data.get("password") },
        });
        if (res.ok) router.replace("/tenants");
        else setError(res.message);
      }}
    >
      <Field label="E-mail" name="email" type="email" autoComplete="username" required />
      <Field label="Password" name="password" type="password" autoComplete="current-password" required />
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
      <button type="submit">Sign in</button>
    </form>
  );
}
