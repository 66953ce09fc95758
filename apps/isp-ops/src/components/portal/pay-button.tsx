"use client";

import { answer } from "@dotmac/ui";
import { useState } from "react";
import { ispOps } from "../api.ts";

/** Goes to the card payment page for what is open on the invoice; back to the invoices after. */
export function PayButton({ id, label }: { id: string; label: string }) {
  const [error, setError] = useState("");
  return (
    <>
      <button
        type="button"
        onClick={async () => {
          const res = await answer(ispOps.portal.invoices[":id"].checkout.$post({ param: { id } }));
          if (res.ok) window.location.assign(res.body.url);
          else setError(res.message);
        }}
      >
        {label}
      </button>
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
    </>
  );
}
