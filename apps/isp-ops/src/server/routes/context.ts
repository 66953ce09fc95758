import type { StaffPermission } from "@dotmac/contracts";
import type { RequestIdEnv } from "@dotmac/http/edge";
import { permissionGuard } from "@dotmac/http/permission";
import { ProblemError } from "@dotmac/http/problem";
import { createRouter as apiRouter } from "@dotmac/http/router";
import { z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import type { Staff } from "../auth.ts";
import type { IspOpsDeps } from "../deps.ts";
import { isUuid } from "../ids.ts";
import type { Customer } from "../portal/customers.ts";

/** What every isp-ops handler may read: the request id, the tenant's dependencies, who is calling. */
export interface IspOpsEnv extends RequestIdEnv {
  Variables: {
    requestId: string;
    deps: IspOpsDeps;
    staff: Staff | undefined;
    customer: Customer | undefined;
  };
}

export const createRouter = () => apiRouter<IspOpsEnv>();

const signIn = "sign in first";

/** Refuses a caller without a staff session (401) or without one of the permissions (403, naming it). */
export const requirePermission = permissionGuard<StaffPermission, IspOpsEnv>({
  whoIs: (c) => c.get("staff"),
  signIn,
});

/** For what any signed-in staff member may do (their own session). */
export const signedIn: MiddlewareHandler<IspOpsEnv> = async (c, next) => {
  if (!c.get("staff")) throw new ProblemError(401, { detail: signIn });
  await next();
};

/** The caller, once a guard has run. */
export function staffOf(c: { get(key: "staff"): Staff | undefined }): Staff {
  const staff = c.get("staff");
  if (!staff) throw new ProblemError(401, { detail: signIn });
  return staff;
}

/** The subscriber signed in to the portal (their own session, never a staff one); a 401 otherwise. */
export function customerOf(c: { get(key: "customer"): Customer | undefined }): Customer {
  const customer = c.get("customer");
  if (!customer) throw new ProblemError(401, { detail: "sign in to the portal first" });
  return customer;
}

/** For the portal's routes: a subscriber's session. */
export const customerSignedIn: MiddlewareHandler<IspOpsEnv> = async (c, next) => {
  customerOf(c);
  await next();
};

/** A PDF answer, as the OpenAPI document describes it. */
export const pdfResponse = (description: string) => ({
  description,
  content: { "application/pdf": { schema: z.string().openapi({ format: "binary" }) } },
});

/** A resource's id in a path. */
export const IdParam = z.object({ id: z.string().openapi({ format: "uuid" }) });

/** An id that is no UUID names nothing: a 404, as an unknown one is, not a 400. */
export function knownId(id: string, what: string): string {
  if (!isUuid(id)) throw new ProblemError(404, { detail: `no such ${what}` });
  return id;
}
