import { constraintProblems } from "@dotmac/http/postgres-problem";

/** Each unique or foreign-key constraint a staff action can hit, with the field it is about. */
export const constraintProblem = constraintProblems({
  radius_credentials_username: { field: "username", message: "this username is taken" },
  subscribers_static_ip: {
    field: "staticIp",
    message: "this address is given to another subscriber",
  },
  subscribers_account_number: { field: "accountNumber", message: "this account number exists" },
  service_plans_name_unique: { field: "name", message: "a plan has this name" },
  staff_users_email: { field: "email", message: "a staff member has this e-mail" },
  subscribers_plan_id_service_plans_id_fk: { field: "planId", message: "no such plan", status: 400 },
  nas_clients_name_unique: { field: "name", message: "a NAS has this name" },
  tax_rates_name_unique: { field: "name", message: "a tax rate has this name" },
  nas_clients_network: { field: "network", message: "a NAS has this network" },
  devices_serial: { field: "serial", message: "a device has this serial" },
  devices_mac: { field: "mac", message: "a device has this MAC" },
  devices_genieacs: { field: "genieacsId", message: "a device has this GenieACS id" },
  devices_subscriber_id_subscribers_id_fk: {
    field: "subscriberId",
    message: "no such subscriber",
    status: 400,
  },
  staff_roles_name_unique: { field: "role", message: "a role has this name" },
});
