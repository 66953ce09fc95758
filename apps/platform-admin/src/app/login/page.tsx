import { LoginForm } from "../../components/login-form.tsx";

export default function LoginPage() {
  return (
    <main className="login">
      <h1>DotMac Platform</h1>
      <p>Platform administration</p>
      <LoginForm />
    </main>
  );
}
