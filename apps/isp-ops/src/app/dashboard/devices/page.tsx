import Link from "next/link";
import { DeviceForm } from "../../../components/device-form.tsx";
import { listDevices } from "../../../server/devices.ts";
import { deps } from "../../../server/runtime.ts";
import { staffWith } from "../../../server/session.ts";

export default async function Devices({ searchParams }: { searchParams: Promise<{ q?: string }> }) {
  const staff = await staffWith("customers:read");
  const { q } = await searchParams;
  const devices = await listDevices((await deps()).db, q);
  return (
    <>
      <h2>Devices</h2>
      <search>
        <form className="toolbar" action="/dashboard/devices">
          <label>
            Serial, MAC or model <input name="q" defaultValue={q ?? ""} />
          </label>
          <button type="submit">Search</button>
        </form>
      </search>
      {devices.length === 0 ? (
        <p className="notice">No devices{q ? " match" : " yet"}.</p>
      ) : (
        <table className="data">
          <thead>
            <tr>
              <th scope="col">Serial</th>
              <th scope="col">Model</th>
              <th scope="col">MAC</th>
              <th scope="col">GenieACS</th>
              <th scope="col">Subscriber</th>
            </tr>
          </thead>
          <tbody>
            {devices.map((d) => (
              <tr key={d.id}>
                <td>{d.serial}</td>
                <td>{d.model}</td>
                <td>{d.mac ?? "—"}</td>
                <td>{d.genieacsId ?? "—"}</td>
                <td>
                  {d.subscriberId ? (
                    <Link href={`/dashboard/subscribers/${d.subscriberId}`}>{d.subscriber}</Link>
                  ) : (
                    "—"
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {staff.permissions.includes("customers:write") ? <DeviceForm /> : null}
    </>
  );
}
