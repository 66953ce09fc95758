"use client";

import { answer } from "@dotmac/ui";
import { useState } from "react";
import { ispOps } from "./api.ts";

/** Staff mail a subscriber the link to set their portal password. */
export function PortalInvite({ id }: { id: string }) {
  const [message, setMessage] = useState("");
  return (
    <div className="toolbar">
      <button
        type="button"
        className="secondary"
        onClick={async () => {
          const res = await answer(ispOps.subscribers[":id"]["portal-invite"].$post({ param: { id } }));
          setMessage(res.ok ? `Link sent to ${res.body.sentTo}.` : res.message);
        }}
      >
        E-mail a portal password link
      </button>
      <span role="status">{message}</span>
    </div>
  );
}
