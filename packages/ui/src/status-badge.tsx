/** A status as a coloured pill; the word is always shown, so colour is never the only signal. */
export function StatusBadge({ status }: { status: string }) {
  return <span className={`ui-badge ui-badge-${status.replace(/[^a-z-]/g, "")}`}>{status}</span>;
}
