"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { callApi } from "./api.ts";

export function DisconnectButton({ sessionId, username }: { sessionId: string; username: string }) {
  const router = useRouter();
  const [message, setMessage] = useState("");
  return (
    <>
      <button
        type="button"
        className="secondary"
        aria-label={`Disconnect ${username}`}
        onClick={async () => {
          const res = await callApi(`/sessions/${sessionId}/disconnect`, { method: "POST" });
          setMessage(res.ok ? `NAS answered ${res.body.outcome}` : res.message);
          router.refresh();
        }}
      >
        Disconnect
      </button>{" "}
      <span role="status">{message}</span>
    </>
  );
}
