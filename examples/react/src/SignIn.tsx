import { useEffect, useState, type FormEvent } from "react";
import { authClient } from "@/lib/auth-client";
import { OAuthSignIn } from "./components/OAuthSignIn";
import { clearRedirectError, redirectError } from "./lib/redirect-error";

export default function SignIn() {
  // An OAuth sign-in that failed comes back as /?error=…; show it once.
  const [error, setError] = useState<string | null>(redirectError);
  const [pending, setPending] = useState(false);
  useEffect(clearRedirectError, []);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    setError(null);
    setPending(true);
    const { error } = await authClient.signIn.email({
      email: String(data.get("email")),
      password: String(data.get("password")),
    });
    // On success the session signal flips <Authenticated>; this form unmounts.
    if (error) {
      setError(error.message ?? "Sign in failed");
      setPending(false);
    }
  }

  return (
    <div>
      <h1>Sign in</h1>
      {/* method="post": the form never puts the password in a URL, even if submitted without JS. */}
      <form method="post" onSubmit={onSubmit}>
        <label>
          Email
          <input name="email" type="email" autoComplete="email" required />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" required />
        </label>
        <button type="submit" disabled={pending}>
          {pending ? "Signing in…" : "Sign in"}
        </button>
      </form>
      {error && <p role="alert">{error}</p>}
      <OAuthSignIn onError={setError} />
    </div>
  );
}
