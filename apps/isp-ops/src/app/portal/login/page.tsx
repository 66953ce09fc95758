import { SignInForm } from "@dotmac/ui";
import { PasswordLinkForm } from "../../../components/portal/password-link-form.tsx";

export default function PortalLogin() {
  return (
    <>
      <h1>Sign in</h1>
      <SignInForm
        api="/api/v1/portal"
        next="/portal"
        identifier={{ name: "identifier", label: "Account number or e-mail" }}
      />
      <PasswordLinkForm />
    </>
  );
}
