import { ConfirmEmailForm } from "../../../components/portal/confirm-email-form.tsx";

/** Where a new address's link lands; no session needed (it may be opened on another device). */
export default async function ConfirmEmail({ searchParams }: { searchParams: Promise<{ token?: string }> }) {
  const { token = "" } = await searchParams;
  return (
    <>
      <h1>Confirm your e-mail address</h1>
      {token ? (
        <ConfirmEmailForm token={token} />
      ) : (
        <p className="error">This link is incomplete: open it from the e-mail again.</p>
      )}
    </>
  );
}
