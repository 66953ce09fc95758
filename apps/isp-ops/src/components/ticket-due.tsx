import { formatTime } from "@dotmac/ui";

interface Clocks {
  readonly status: string;
  readonly firstResponseDueAt: Date | string;
  readonly firstRespondedAt: Date | string | null;
  readonly resolutionDueAt: Date | string | null;
  readonly breach: { readonly firstResponse: boolean; readonly resolution: boolean };
}

/** Where a ticket stands against its SLA: breached (and which clock), or what is due next. */
export function TicketDue({ ticket: t }: { ticket: Clocks }) {
  const breached = [t.breach.firstResponse ? "first response" : "", t.breach.resolution ? "resolution" : ""]
    .filter(Boolean)
    .join(", ");
  if (breached) return <span className="ui-badge ui-badge-breached">breached: {breached}</span>;
  if (t.status === "resolved" || t.status === "closed") return <>met</>;
  if (t.status === "pending") return <>clock stopped (pending)</>;
  if (!t.firstRespondedAt) return <>answer by {formatTime(t.firstResponseDueAt)}</>;
  return <>resolve by {t.resolutionDueAt ? formatTime(t.resolutionDueAt) : "—"}</>;
}
