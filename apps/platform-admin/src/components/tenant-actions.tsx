"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { callApi } from "./api.ts";

/** Suspend/resume, drift check, plan and seat changes (previewed first), delete with the slug typed. */
export function TenantActions({
  slug,
  status,
  plan,
  seats,
  features,
  allowedFeatures,
  canWrite,
  canDelete,
}: {
  slug: string;
  status: string;
  plan: string;
  seats: number;
  features: readonly string[];
  /** What each plan allows, so a plan change offers only what the new plan has. */
  allowedFeatures: Record<string, readonly string[]>;
  canWrite: boolean;
  canDelete: boolean;
}) {
  const router = useRouter();
  const [message, setMessage] = useState("");
  const [change, setChange] = useState({ plan, seats, features: [...features] });
  const [diff, setDiff] = useState<{ op: string; type: string; name: string }[] | undefined>();
  const [confirm, setConfirm] = useState("");
  const go = async (path: string, method = "POST", json?: unknown) => {
    const res = await callApi(path, { method, ...(json !== undefined ? { json } : {}) });
    if (res.ok && res.body?.operationId) router.push(`/operations/${res.body.operationId}`);
    else setMessage(res.ok ? "Done." : res.message);
  };
  const requested = {
    ...(change.plan !== plan ? { plan: change.plan } : {}),
    ...(change.seats !== seats ? { seats: change.seats } : {}),
  };
  return (
    <>
      {canWrite ? (
        <section className="card" aria-labelledby="lifecycle">
          <h3 id="lifecycle">Lifecycle</h3>
          <div className="toolbar">
            {status === "active" ? (
              <button type="button" onClick={() => go(`/tenants/${slug}/suspend`)}>
                Suspend
              </button>
            ) : null}
            {status === "suspended" ? (
              <button type="button" onClick={() => go(`/tenants/${slug}/resume`)}>
                Resume
              </button>
            ) : null}
            <button type="button" className="secondary" onClick={() => go(`/tenants/${slug}/refresh`)}>
              Check drift
            </button>
          </div>
          <h3>Change plan or seats</h3>
          <div className="toolbar">
            <label>
              Plan{" "}
              <select
                value={change.plan}
                onChange={(e) => {
                  const next = e.target.value;
                  const allowed = allowedFeatures[next] ?? [];
                  setChange({
                    ...change,
                    plan: next,
                    features: change.features.filter((f) => allowed.includes(f)),
                  });
                }}
              >
                {["starter", "professional", "enterprise"].map((p) => (
                  <option key={p}>{p}</option>
                ))}
              </select>
            </label>
            <label>
              Seats{" "}
              <input
                type="number"
                min={1}
                value={change.seats}
                onChange={(e) => setChange({ ...change, seats: Number(e.target.value) })}
              />
            </label>
            <fieldset>
              <legend>Features</legend>
              {(allowedFeatures[change.plan] ?? []).map((f) => (
                <label key={f} style={{ marginRight: "1rem" }}>
                  <input
                    type="checkbox"
                    checked={change.features.includes(f)}
                    onChange={(e) =>
                      setChange({
                        ...change,
                        features: e.target.checked
                          ? [...change.features, f]
                          : change.features.filter((x) => x !== f),
                      })
                    }
                  />{" "}
                  {f}
                </label>
              ))}
            </fieldset>
            <button
              type="button"
              className="secondary"
              disabled={Object.keys(requested).length === 0}
              onClick={async () => {
                setMessage("Previewing…");
                const res = await callApi(`/tenants/${slug}/preview?wait=true`, {
                  method: "POST",
                  json: requested,
                });
                if (res.ok) {
                  setDiff((res.body.result?.steps ?? []).filter((s: { op: string }) => s.op !== "same"));
                  setMessage("");
                } else setMessage(res.message);
              }}
            >
              Preview change
            </button>
          </div>
          {diff ? (
            <>
              <ul aria-label="Preview">
                {diff.map((s) => (
                  <li key={`${s.type}-${s.name}`}>
                    {s.op} <code>{s.type}</code> {s.name}
                  </li>
                ))}
              </ul>
              <button type="button" onClick={() => go(`/tenants/${slug}`, "PATCH", requested)}>
                Apply change
              </button>
            </>
          ) : null}
        </section>
      ) : null}
      {canDelete ? (
        <section className="card" aria-labelledby="danger">
          <h3 id="danger">Delete</h3>
          <p>Destroys the stack: namespace, workloads and the tenant's database. Type the slug to confirm.</p>
          <div className="toolbar">
            <label>
              Slug <input value={confirm} onChange={(e) => setConfirm(e.target.value)} />
            </label>
            <button
              type="button"
              className="danger"
              disabled={confirm !== slug}
              onClick={() => go(`/tenants/${slug}?confirm=${encodeURIComponent(confirm)}`, "DELETE")}
            >
              Delete {slug}
            </button>
          </div>
        </section>
      ) : null}
      <p role="status">{message}</p>
    </>
  );
}
