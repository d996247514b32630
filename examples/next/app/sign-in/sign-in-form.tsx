"use client";

import Link from "next/link";
import { useActionState, useState, type FormEvent } from "react";
import { authClient } from "@/lib/auth-client";
import { formError, type FormState } from "@/lib/form-state";
import { signInWithForm } from "../actions";
import { OAuthSignIn } from "../components/oauth-sign-in";
import { SubmitButton } from "../components/submit-button";

export function SignInForm({
  oauthProvider,
  callbackError,
}: {
  oauthProvider: { id: string; name: string } | null;
  callbackError: string | null;
}) {
  // Before hydration the browser posts the form to the server action (no
  // password in a URL); it signs in and redirects, or re-renders the page
  // with its error.
  const [serverState, formAction] = useActionState<FormState, FormData>(signInWithForm, null);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  // Once hydrated, sign in through the Better Auth client: its session
  // store, and with it the Convex client, follow at once.
  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    setError(null);
    setPending(true);
    const { error } = await authClient.signIn.email({
      email: String(data.get("email")),
      password: String(data.get("password")),
    });
    if (error) {
      setError(error.message ?? "Sign in failed");
      setPending(false);
      return;
    }
    // A full navigation, so the dashboard is rendered on the server.
    window.location.assign("/");
  }

  const shownError = error ?? formError(serverState) ?? callbackError;
  return (
    <div>
      <h1>Sign in</h1>
      <form action={formAction} onSubmit={onSubmit}>
        <label>
          Email
          <input name="email" type="email" autoComplete="email" required />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" required />
        </label>
        <SubmitButton busy={pending} busyLabel="Signing in…">
          Sign in
        </SubmitButton>
      </form>
      {shownError && <p role="alert">{shownError}</p>}
      {oauthProvider && <OAuthSignIn provider={oauthProvider} />}
      <p>
        No account yet? <Link href="/sign-up">Sign up</Link>
      </p>
    </div>
  );
}
