import { BarChart } from "@dotmac/ui";
import type { portalUsage } from "../../server/portal/usage.ts";
import { bytes } from "../units.ts";

type Usage = NonNullable<Awaited<ReturnType<typeof portalUsage>>>;

const dayText = (day: string) =>
  new Date(`${day}T00:00:00Z`).toLocaleDateString("en-GB", {
    day: "numeric",
    month: "short",
    timeZone: "UTC",
  });

/** What the subscriber used this period, against their cap when the plan has one, and day by day. */
export function UsageCard({ usage }: { usage: Usage }) {
  const { capBytes, usedBytes } = usage;
  const last = new Date(Date.parse(`${usage.periodEnd}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
  return (
    <section className="card" aria-labelledby="usage">
      <h2 id="usage">Your usage</h2>
      <p>
        {dayText(usage.periodStart)} to {dayText(last)}: <strong>{bytes(usedBytes)}</strong>
        {capBytes !== null ? ` of ${bytes(capBytes)}` : " (no data cap)"}
      </p>
      {capBytes !== null ? (
        <meter
          className="cap"
          min={0}
          max={capBytes}
          high={capBytes * 0.8}
          optimum={0}
          value={Math.min(usedBytes, capBytes)}
          aria-label="Data used of your cap"
        >
          {Math.round((usedBytes / capBytes) * 100)}%
        </meter>
      ) : null}
      {usage.capReached ? (
        <p className="notice" role="status">
          You have used all the data of your plan for this period: your connection is paused until{" "}
          {dayText(usage.periodEnd)}.
        </p>
      ) : capBytes !== null && usedBytes >= capBytes ? (
        <p className="notice" role="status">
          You are over your plan's data for this period; you stay connected.
        </p>
      ) : null}
      <BarChart
        title="Traffic per day (MB)"
        data={usage.days.map((d) => ({
          label: d.day,
          value: Math.round((d.downloadBytes + d.uploadBytes) / 1e6),
        }))}
        unit=" MB"
      />
    </section>
  );
}
