"use client";

import { useActionState, useState, type FormEvent } from "react";
import { authClient } from "@/lib/auth-client";
import { formError, formMessage, type FormState } from "@/lib/form-state";
import { setSigningOut } from "@/lib/signing-out";
import { changePasswordWithForm, signOutWithForm } from "../../actions";
import { SubmitButton } from "../../components/submit-button";

export function AccountActions() {
  return (
    <div>
      <SignOut />
      <ChangePassword />
    </div>
  );
}

function SignOut() {
  // Before hydration the form posts to the server action, which signs out
  // and redirects.
  const [serverState, formAction] = useActionState<FormState, FormData>(signOutWithForm, null);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  // Hydrated: through the Better Auth client, so ConvexBetterAuthProvider
  // stops the page's authenticated queries before the session ends.
  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    setPending(true);
    setSigningOut(true);
    const { error } = await authClient.signOut();
    if (error) {
      setSigningOut(false);
      setPending(false);
      setError(error.message || `Could not sign out (the server answered ${error.status}). Try again.`);
      return;
    }
    window.location.assign("/sign-in");
  }

  const shownError = error ?? formError(serverState);
  return (
    <>
      <form action={formAction} onSubmit={onSubmit}>
        <SubmitButton busy={pending} busyLabel="Signing out…">
          Sign out
        </SubmitButton>
      </form>
      {shownError && <p role="alert">{shownError}</p>}
    </>
  );
}

function ChangePassword() {
  // One path with or without JavaScript: the form's FormData goes to the
  // server action, which calls the Convex mutation (the guide's
  // updatePassword). A wrong current password comes back as a message.
  const [state, formAction] = useActionState<FormState, FormData>(changePasswordWithForm, null);
  const error = formError(state);
  const message = formMessage(state);
  return (
    <>
      <h2>Change password</h2>
      <form action={formAction}>
        <label>
          Current password
          <input name="currentPassword" type="password" autoComplete="current-password" required />
        </label>
        <label>
          New password
          <input name="newPassword" type="password" autoComplete="new-password" minLength={8} required />
        </label>
        <SubmitButton busyLabel="Changing password…">Change password</SubmitButton>
      </form>
      {error && <p role="alert">{error}</p>}
      {message && <p role="status">{message}</p>}
    </>
  );
}
