"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { answer } from "./api-client.ts";
import { Field } from "./field.tsx";

/**
 * Sign-in against an API's `/auth/login` at `api` (a session cookie comes back), then on to `next`. A
 * refusal (wrong password, too many attempts) is shown as the API words it; nothing is kept.
 */
export function SignInForm({
  api,
  next,
  identifier = { name: "email", label: "E-mail", type: "email" },
}: {
  /** The API's base path on this origin (a server page passes it; a function could not cross). */
  api: string;
  next: string;
  /** What the person signs in with, as the API names it (an e-mail, an account number). */
  identifier?: { name: string; label: string; type?: "email" | "text" };
}) {
  const router = useRouter();
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  return (
    <form
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        const data = new FormData(e.currentTarget);
        const res = await answer(
          fetch(`${api}/auth/login`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({
              [identifier.name]: data.get(identifier.name),
              password: data.get("password"),
            }),
          }),
        );
        setBusy(false);
        if (res.ok) router.replace(next);
        else setError(res.message);
      }}
    >
      <Field
        label={identifier.label}
        name={identifier.name}
        type={identifier.type ?? "text"}
        autoComplete="username"
        required
      />
      <Field label="Password" name="password" type="password" autoComplete="current-password" required />
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
      <button type="submit" disabled={busy}>
        Sign in
      </button>
    </form>
  );
}
