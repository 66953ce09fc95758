"use client";

import { answer } from "@dotmac/ui";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { ispOps } from "./api.ts";

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
          const res = await answer(ispOps.sessions[":id"].disconnect.$post({ param: { id: sessionId } }));
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
