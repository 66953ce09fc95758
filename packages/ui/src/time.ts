const lengths = { day: 10, minute: 16, second: 19 } as const;

/**
 * A time as both apps show it, in UTC to the day, minute or second ("2026-12-07 01:52"): the
 * same on the server and in the browser, whatever either's locale and zone.
 */
export function formatTime(at: Date | string, to: keyof typeof lengths = "minute"): string {
  return (typeof at === "string" ? new Date(at) : at).toISOString().slice(0, lengths[to]).replace("T", " ");
}
