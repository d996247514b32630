import { useState, type FormEvent } from "react";
import { authClient } from "@/lib/auth-client";

export default function SignUp() {
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    setError(null);
    setPending(true);
    const { error } = await authClient.signUp.email({
      name: String(data.get("name")),
      email: String(data.get("email")),
      password: String(data.get("password")),
    });
    // On success the new session signs the user in; this form unmounts.
    if (error) {
      setError(error.message ?? "Sign up failed");
      setPending(false);
    }
  }

  return (
    <div>
      <h1>Sign up</h1>
      <form method="post" onSubmit={onSubmit}>
        <label>
          Name
          <input name="name" autoComplete="name" required />
        </label>
        <label>
          Email
          <input name="email" type="email" autoComplete="email" required />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="new-password" minLength={8} required />
        </label>
        <button type="submit" disabled={pending}>
          {pending ? "Signing up…" : "Sign up"}
        </button>
      </form>
      {error && <p role="alert">{error}</p>}
    </div>
  );
}
