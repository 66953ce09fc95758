/** A plan's speed as staff read it: Mbit/s when whole, else kbit/s. */
export const speed = (kbps: number) => (kbps % 1000 === 0 ? `${kbps / 1000} Mbit/s` : `${kbps} kbit/s`);

/** Traffic as subscribers read it: GB from one upwards, else MB. */
export const bytes = (n: number) => (n >= 1e9 ? `${(n / 1e9).toFixed(2)} GB` : `${(n / 1e6).toFixed(1)} MB`);

/** A subscriber's plan with its speeds, or "no plan". */
export function planText(s: {
  planName: string | null;
  downloadKbps: number | null;
  uploadKbps: number | null;
}) {
  return s.planName && s.downloadKbps !== null && s.uploadKbps !== null
    ? `${s.planName} (${speed(s.downloadKbps)} / ${speed(s.uploadKbps)})`
    : "no plan";
}
