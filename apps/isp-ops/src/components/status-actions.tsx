"use client";

import type { SubscriberStatus } from "@dotmac/contracts";
import { answer } from "@dotmac/ui";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { ispOps } from "./api.ts";

const verbs: Record<string, string> = { active: "Activate", suspended: "Suspend", terminated: "Terminate" };

/** The status moves the lifecycle allows from here (given by the page); suspending asks why. */
export function StatusActions({
  id,
  status,
  moves,
}: {
  id: string;
  status: string;
  moves: readonly SubscriberStatus[];
}) {
  const router = useRouter();
  const [reason, setReason] = useState("");
  const [message, setMessage] = useState("");
  if (moves.length === 0) return <p>No further changes: the account is closed.</p>;
  const move = async (to: SubscriberStatus) => {
    const res = await answer(
      ispOps.subscribers[":id"].status.$post({ param: { id }, json: { to, ...(reason ? { reason } : {}) } }),
    );
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
