"use client";

import type { PlatformPermission } from "@dotmac/contracts";
import { ApiForm, answer, choices, Field, text } from "@dotmac/ui";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { platform } from "./api.ts";

/** A new API token with scopes and an expiry; its secret is shown here once and never again. */
export function TokenForm({ scopes }: { scopes: readonly string[] }) {
  const router = useRouter();
  const [secret, setSecret] = useState<string | null>(null);
  return (
    <>
      <ApiForm
        submit="Create token"
        done="Token created."
        toJson={(d: FormData) => ({
          name: text(d, "name"),
          scopes: choices<PlatformPermission>(d, "scopes"),
          expiresInDays: Number(d.get("expiresInDays") || 90),
        })}
        send={(json) => answer(platform.tokens.$post({ json }))}
        onSuccess={(body) => {
          setSecret(body.token);
          router.refresh();
        }}
      >
        {(errors) => (
          <>
            <Field label="Name" name="name" placeholder="e.g. github-actions" required error={errors.name} />
            <Field
              label="Expires in (days)"
              name="expiresInDays"
              type="number"
              min={1}
              max={365}
              defaultValue="90"
              error={errors.expiresInDays}
            />
            <fieldset>
              <legend>Scopes</legend>
              {scopes.map((s) => (
                <label key={s} style={{ display: "block" }}>
                  <input type="checkbox" name="scopes" value={s} /> {s}
                </label>
              ))}
              {errors.scopes ? <p className="ui-field-error">{errors.scopes}</p> : null}
            </fieldset>
          </>
        )}
      </ApiForm>
      {secret ? (
        <section className="card" role="alert">
          <p>Copy the token now: it is not shown again.</p>
          <code data-testid="new-token">{secret}</code>
        </section>
      ) : null}
    </>
  );
}

export function RevokeToken({ id, name }: { id: string; name: string }) {
  const router = useRouter();
  return (
    <button
      type="button"
      className="danger"
      aria-label={`Revoke ${name}`}
      onClick={async () => {
        await platform.tokens[":id"].$delete({ param: { id } });
        router.refresh();
      }}
    >
      Revoke
    </button>
  );
}
