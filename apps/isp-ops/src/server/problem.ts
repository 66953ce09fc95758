import type { FieldError } from "@dotmac/contracts";

/** An RFC 9457 problem: what went wrong, for which field, as the API answers it. */
export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: readonly FieldError[],
    /** A 429's or 503's Retry-After. */
    readonly retryAfterSeconds?: number,
  ) {
    super(detail ?? title);
    this.name = "Problem";
  }

  toJSON() {
    return {
      type: "about:blank",
      title: this.title,
      status: this.status,
      ...(this.detail ? { detail: this.detail } : {}),
      ...(this.errors ? { errors: this.errors } : {}),
    };
  }
}

/** Which field a unique or foreign-key constraint is about, so a 409/400 can name it. */
const constraintFields: Record<string, { field: string; message: string; status: number }> = {
  radius_credentials_username: { field: "username", message: "this username is taken", status: 409 },
  subscribers_static_ip: {
    field: "staticIp",
    message: "this address is given to another subscriber",
    status: 409,
  },
  subscribers_account_number: { field: "accountNumber", message: "this account number exists", status: 409 },
  service_plans_name_unique: { field: "name", message: "a plan has this name", status: 409 },
  staff_users_email: { field: "email", message: "a staff member has this e-mail", status: 409 },
  subscribers_plan_id_service_plans_id_fk: { field: "planId", message: "no such plan", status: 400 },
  nas_clients_name_unique: { field: "name", message: "a NAS has this name", status: 409 },
  nas_clients_network: { field: "network", message: "a NAS has this network", status: 409 },
  devices_serial: { field: "serial", message: "a device has this serial", status: 409 },
  devices_mac: { field: "mac", message: "a device has this MAC", status: 409 },
  devices_genieacs: { field: "genieacsId", message: "a device has this GenieACS id", status: 409 },
  devices_subscriber_id_subscribers_id_fk: {
    field: "subscriberId",
    message: "no such subscriber",
    status: 400,
  },
  staff_roles_name_unique: { field: "role", message: "a role has this name", status: 409 },
};

/** Turns a Postgres constraint violation into a Problem naming the field; anything else is rethrown. */
export function constraintProblem(error: unknown): Problem {
  const e = error as { code?: string; constraint_name?: string; cause?: unknown };
  const inner = (e.code ? e : (e.cause as typeof e | undefined)) ?? {};
  const known = inner.constraint_name ? constraintFields[inner.constraint_name] : undefined;
  if ((inner.code === "23505" || inner.code === "23503") && known) {
    return new Problem(known.status, known.status === 409 ? "Conflict" : "Invalid input", known.message, [
      { path: known.field, message: known.message },
    ]);
  }
  throw error;
}
