"use client";

import Link from "next/link";
import { useActionState, useState, type FormEvent } from "react";
import { authClient } from "@/lib/auth-client";
import { formError, type FormState } from "@/lib/form-state";
import { signUpWithForm } from "../actions";
import { SubmitButton } from "../components/submit-button";

export function SignUpForm() {
  // Before hydration: the server action (see sign-in-form.tsx).
  const [serverState, formAction] = useActionState<FormState, FormData>(signUpWithForm, null);
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
    if (error) {
      setError(error.message ?? "Sign up failed");
      setPending(false);
      return;
    }
    // A full navigation, so the dashboard is rendered on the server.
    window.location.assign("/");
  }

  const shownError = error ?? formError(serverState);
  return (
    <div>
      <h1>Sign up</h1>
      <form action={formAction} onSubmit={onSubmit}>
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
        <SubmitButton busy={pending} busyLabel="Signing up…">
          Sign up
        </SubmitButton>
      </form>
      {shownError && <p role="alert">{shownError}</p>}
      <p>
        Already have an account? <Link href="/sign-in">Sign in</Link>
      </p>
    </div>
  );
}
