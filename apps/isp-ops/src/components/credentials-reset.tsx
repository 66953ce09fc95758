"use client";

import { useState } from "react";
import { callApi } from "./api.ts";

/** Sets a new RADIUS password; the field clears afterwards because the password is never shown again. */
export function CredentialsReset({ id }: { id: string }) {
  const [password, setPassword] = useState("");
  const [message, setMessage] = useState("");
  return (
    <form
      className="toolbar"
      onSubmit={async (e) => {
        e.preventDefault();
        const res = await callApi(`/subscribers/${id}/credentials`, { method: "POST", json: { password } });
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
