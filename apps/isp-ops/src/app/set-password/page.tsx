import { StaffPasswordForm } from "../../components/staff-password-form.tsx";
import { branding } from "../../server/runtime.ts";

// The token is in the address: no page it links to learns it.
export const metadata = { referrer: "no-referrer" };

/** Where a staff invitation lands: the token is in the query, and leaves with the form only. */
export default async function SetStaffPassword({
  searchParams,
}: {
  searchParams: Promise<{ token?: string }>;
}) {
  const { token = "" } = await searchParams;
  const brand = await branding();
  return (
    <main className="login">
      <h1>{brand.name}</h1>
      <p>Set your staff password</p>
      {token ? (
        <StaffPasswordForm token={token} />
      ) : (
        <p className="error">This link is incomplete: open it from the e-mail again.</p>
      )}
    </main>
  );
}
