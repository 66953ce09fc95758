"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { callApi } from "./api.ts";

const verbs: Record<string, string> = { active: "Activate", suspended: "Suspend", terminated: "Terminate" };

/** The status moves the lifecycle allows from here (given by the page); suspending asks why. */
export function StatusActions({
  id,
  status,
  moves,
}: {
  id: string;
  status: string;
  moves: readonly string[];
}) {
  const router = useRouter();
  const [reason, setReason] = useState("");
  const [message, setMessage] = useState("");
  if (moves.length === 0) return <p>No further changes: the account is closed.</p>;
  const move = async (to: string) => {
    const res = await callApi(`/subscribers/${id}/status`, {
      method: "POST",
      json: { to, ...(reason ? { reason } : {}) },
    });
    if (res.ok) {
      setReason("");
      setMessage(res.body.disconnected ? `Done; ${res.body.disconnected} session(s) disconnected.` : "Done.");
      router.refresh();
    } else setMessage(res.fields.reason ?? res.message);
  };
  return (
    <div className="toolbar">
      <label>
        Reason{" "}
        <input value={reason} onChange={(e) => setReason(e.target.value)} placeholder="e.g. unpaid invoice" />
      </label>
      {moves.map((to) => (
        <button
          key={to}
          type="button"
          className={to === "terminated" ? "danger" : undefined}
          onClick={() => move(to)}
        >
          {status === "suspended" && to === "active" ? "Resume" : verbs[to]}
        </button>
      ))}
      <span role="status">{message}</span>
    </div>
  );
}
