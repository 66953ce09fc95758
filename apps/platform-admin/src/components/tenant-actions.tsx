"use client";

import type { Feature, PlanTier, ResourceStep } from "@dotmac/contracts";
import { previewSteps } from "@dotmac/contracts/preview-steps";
import { type ApiResult, answer } from "@dotmac/ui";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { platform } from "./api.ts";

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
  plan: PlanTier;
  seats: number;
  features: readonly Feature[];
  /** What each plan allows, so a plan change offers only what the new plan has. */
  allowedFeatures: Record<string, readonly Feature[]>;
  canWrite: boolean;
  canDelete: boolean;
}) {
  const router = useRouter();
  const [message, setMessage] = useState("");
  const [change, setChange] = useState({ plan, seats, features: [...features] });
  const [diff, setDiff] = useState<ResourceStep[] | undefined>();
  const [confirm, setConfirm] = useState("");
  const tenant = platform.tenants[":slug"];
  const param = { slug };
  /** Follows the operation a call queued, or says why there is none. */
  const go = async (call: Promise<ApiResult<{ operationId: string }>>) => {
    const res = await call;
    if (res.ok) router.push(`/operations/${res.body.operationId}`);
    else setMessage(res.message);
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
              <button type="button" onClick={() => go(answer(tenant.suspend.$post({ param, header: {} })))}>
                Suspend
              </button>
            ) : null}
            {status === "suspended" ? (
              <button type="button" onClick={() => go(answer(tenant.resume.$post({ param, header: {} })))}>
                Resume
              </button>
            ) : null}
            <button
              type="button"
              className="secondary"
              onClick={() => go(answer(tenant.refresh.$post({ param, header: {} })))}
            >
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
                  // The options are the plans.
                  const next = e.target.value as PlanTier;
                  const allowed = allowedFeatures[next] ?? [];
                  setChange({
                    ...change,
                    plan: next,
                    features: change.features.filter((f) => allowed.includes(f)),
                  });
                }}
              >
                {Object.keys(allowedFeatures).map((p) => (
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
                const res = await answer(
                  tenant.preview.$post({ param, query: { wait: "true" }, json: requested }),
                );
                if (res.ok) {
                  setDiff(previewSteps(res.body).filter((s) => s.op !== "same"));
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
              <button
                type="button"
                onClick={() => go(answer(tenant.$patch({ param, header: {}, json: requested })))}
              >
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
              onClick={() => go(answer(tenant.$delete({ param, header: {}, query: { confirm } })))}
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
