import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { deps } from "../runtime.ts";
import { type Customer, customerCookie, customerForToken } from "./customers.ts";

/** The subscriber signed in to the portal, or a redirect to its sign-in page. */
export async function currentCustomer(): Promise<Customer> {
  const { db } = await deps();
  const customer = await customerForToken(db, (await cookies()).get(customerCookie().name)?.value);
  if (!customer) redirect("/portal/login");
  return customer;
}
