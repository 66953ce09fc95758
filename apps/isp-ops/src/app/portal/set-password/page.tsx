import { SetPasswordForm } from "../../../components/portal/set-password-form.tsx";

/** Where the e-mailed link lands: the token is in the query, and leaves with the form only. */
export default async function SetPassword({ searchParams }: { searchParams: Promise<{ token?: string }> }) {
  const { token = "" } = await searchParams;
  return (
    <>
      <h1>Set your password</h1>
      {token ? (
        <SetPasswordForm token={token} />
      ) : (
        <p className="error">This link is incomplete: open it from the e-mail again.</p>
      )}
    </>
  );
}
