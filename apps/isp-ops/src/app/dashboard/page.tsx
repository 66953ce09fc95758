import { BarChart, StatCard } from "@dotmac/ui";
import { deps } from "../../server/runtime.ts";
import { currentStaff } from "../../server/session.ts";
import { dashboardStats } from "../../server/stats.ts";

const gigabytes = (bytes: number) => `${(bytes / 1e9).toFixed(1)} GB`;

export default async function Dashboard({ searchParams }: { searchParams: Promise<{ denied?: string }> }) {
  const staff = await currentStaff();
  const { denied } = await searchParams;
  if (!staff.permissions.includes("customers:read")) {
    return <p className="notice">Your role has no access to subscriber data.</p>;
  }
  const stats = await dashboardStats((await deps()).db);
  return (
    <>
      <h2>Dashboard</h2>
      {denied ? (
        <p className="notice" role="status">
          That page needs a permission your role does not have.
        </p>
      ) : null}
      <div className="grid">
        <StatCard label="Active subscribers" value={stats.active} />
        <StatCard label="Online now" value={stats.online} />
        <StatCard label="New this month" value={stats.newThisMonth} />
        <StatCard label="Suspended" value={stats.suspended} />
        <StatCard label="Traffic today" value={gigabytes(stats.bytesToday)} />
      </div>
      <div style={{ marginTop: "1rem" }}>
        <BarChart
          title="Sign-ups, last 14 days"
          data={stats.signups.map((s) => ({ label: s.day, value: s.n }))}
        />
      </div>
    </>
  );
}
