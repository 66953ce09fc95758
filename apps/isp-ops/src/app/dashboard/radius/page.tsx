import { formatTime } from "@dotmac/ui";
import { DisconnectButton } from "../../../components/disconnect-button.tsx";
import { NasForm } from "../../../components/nas-form.tsx";
import type { NasNetworkReport } from "../../../server/nas-network-reporter.ts";
import { listNas, onlineSessions } from "../../../server/network.ts";
import { deps } from "../../../server/runtime.ts";
import { staffWith } from "../../../server/session.ts";

const mb = (octets: string) => `${(Number(octets) / 1e6).toFixed(1)} MB`;

/** What the platform's network policy lets reach RADIUS, as far as this app knows. */
function reportText(report: NasNetworkReport | undefined): string {
  const list = (cidrs: readonly string[]) => cidrs.join(", ") || "no network";
  switch (report?.state) {
    case undefined:
      return "The platform admin manages which networks may reach RADIUS (this app holds no platform credential).";
    case "idle":
      return "RADIUS is open to the NAS networks given at onboarding; adding a NAS reports yours to the platform.";
    case "reporting":
      return `Reporting ${list(report.nasCidrs)} to the platform…`;
    case "accepted":
      return `The platform opens RADIUS to ${list(report.nasCidrs)} (reported ${report.at.toISOString().slice(11, 16)} UTC${report.operationId ? ", deploying now" : ""}).`;
    case "failed":
      return `The platform has not accepted ${list(report.nasCidrs)} yet: ${report.reason}. Retrying.`;
  }
}

export default async function Radius({ searchParams }: { searchParams: Promise<{ q?: string }> }) {
  await staffWith("network:manage");
  const { q } = await searchParams;
  const { db, nasReporter } = await deps();
  const [nas, online] = await Promise.all([listNas(db), onlineSessions(db, q)]);
  return (
    <>
      <h2>RADIUS</h2>
      <section className="card" aria-labelledby="nas-title">
        <h3 id="nas-title">NAS clients</h3>
        {nas.length === 0 ? (
          <p>No NAS yet: RADIUS answers nobody until one is added.</p>
        ) : (
          <table className="data">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Network</th>
                <th scope="col">Vendor</th>
                <th scope="col">CoA port</th>
                <th scope="col">Message-Authenticator</th>
              </tr>
            </thead>
            <tbody>
              {nas.map((n) => (
                <tr key={n.id}>
                  <td>{n.name}</td>
                  <td>{n.network}</td>
                  <td>{n.vendor}</td>
                  <td>{n.coaPort}</td>
                  <td>{n.requireMessageAuthenticator ? "required" : "optional"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <p data-testid="nas-report" role={nasReporter?.status.state === "failed" ? "alert" : undefined}>
          {reportText(nasReporter?.status)}
        </p>
        {nas.map((n) => (
          <details key={n.id}>
            <summary>Change {n.name}</summary>
            {/* Keyed by its values: after a save the page re-renders and the form shows them. */}
            <NasForm key={JSON.stringify(n)} nas={n} />
          </details>
        ))}
      </section>
      <NasForm />
      <section className="card" aria-labelledby="online-title">
        <h3 id="online-title">Online now</h3>
        <search>
          <form className="toolbar" action="/dashboard/radius">
            <label>
              Username or IP <input name="q" defaultValue={q ?? ""} />
            </label>
            <button type="submit">Filter</button>
          </form>
        </search>
        {online.length === 0 ? (
          <p>Nobody online{q ? " matching that" : ""}.</p>
        ) : (
          <table className="data">
            <thead>
              <tr>
                <th scope="col">Username</th>
                <th scope="col">Subscriber</th>
                <th scope="col">NAS</th>
                <th scope="col">IP</th>
                <th scope="col">Since</th>
                <th scope="col">Down / up</th>
                <th scope="col">
                  <span className="ui-sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {online.map((s) => (
                <tr key={s.id}>
                  <td>{s.username}</td>
                  <td>
                    {s.subscriberId ? <a href={`/dashboard/subscribers/${s.subscriberId}`}>{s.name}</a> : "—"}
                  </td>
                  <td>{s.nas}</td>
                  <td>{s.framedIp ?? "—"}</td>
                  <td>{formatTime(s.startedAt)}</td>
                  <td>
                    {mb(s.outputOctets)} / {mb(s.inputOctets)}
                  </td>
                  <td>
                    <DisconnectButton sessionId={s.id} username={s.username} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
