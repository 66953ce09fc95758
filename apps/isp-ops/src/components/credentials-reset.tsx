"use client";

import { answer } from "@dotmac/ui";
import { useState } from "react";
import { ispOps } from "./api.ts";

/** Sets a new RADIUS password; the field clears afterwards because the password is never shown again. */
export function CredentialsReset({ id }: { id: string }) {
  const [password, setPassword] = useState("");
  const [message, setMessage] = useState("");
  return (
    <form
      className="toolbar"
      onSubmit={async (e) => {
        e.preventDefault();
        const res = await answer(
          ispOps.subscribers[":id"].credentials.$post({ param: { id }, json: { password } }),
        );
        setPassword("");
        setMessage(res.ok ? "Password changed." : (res.fields.password ?? res.message));
      }}
    >
      <label>
        New RADIUS password{" "}
        <input
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
        />
      </label>
      <button type="submit" className="secondary">
        Reset password
      </button>
      <span role="status">{message}</span>
    </form>
  );
}
