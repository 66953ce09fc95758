import { SignInForm } from "@dotmac/ui";

export default function LoginPage() {
  return (
    <main className="login">
      <h1>DotMac Platform</h1>
      <p>Platform administration</p>
      <SignInForm api="/api/platform/v1" next="/tenants" />
    </main>
  );
}
