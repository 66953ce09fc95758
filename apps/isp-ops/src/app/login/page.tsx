import { SignInForm } from "@dotmac/ui";
import { branding } from "../../server/runtime.ts";

export default async function LoginPage() {
  const brand = await branding();
  return (
    <main className="login">
      {brand.logoUrl ? <img src={brand.logoUrl} alt="" height={48} /> : null}
      <h1>{brand.name}</h1>
      <p>Staff sign-in</p>
      <SignInForm api="/api/v1" next="/dashboard" />
    </main>
  );
}
