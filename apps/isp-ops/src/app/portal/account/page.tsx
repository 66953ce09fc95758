import Link from "next/link";
import {
  ContactForm,
  EmailChangeForm,
  PasswordChangeForm,
} from "../../../components/portal/account-forms.tsx";
import { portalAccount } from "../../../server/portal/account.ts";
import { currentCustomer } from "../../../server/portal/session.ts";
import { deps } from "../../../server/runtime.ts";

/** The subscriber's contact details and password. */
export default async function PortalAccount() {
  const customer = await currentCustomer();
  const account = await portalAccount((await deps()).db, customer);
  if (!account) return null;
  return (
    <>
      <p>
        <Link href="/portal">← Your service</Link>
      </p>
      <h1>Your account</h1>
      <section className="card" aria-labelledby="contact">
        <h2 id="contact">How we reach you</h2>
        <dl className="facts">
          <dt>Account</dt>
          <dd>{account.accountNumber}</dd>
          <dt>E-mail</dt>
          <dd>
            {account.email ?? "none"}
            {account.pendingEmail ? ` (waiting for you to confirm ${account.pendingEmail})` : ""}
          </dd>
        </dl>
      </section>
      <ContactForm phone={account.phone} />
      <EmailChangeForm />
      <PasswordChangeForm />
    </>
  );
}
