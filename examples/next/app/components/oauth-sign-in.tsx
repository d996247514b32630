"use client";

import { useActionState } from "react";
import { signInWithOAuth } from "../actions";
import { formError, type FormState } from "@/lib/form-state";
import { SubmitButton } from "./submit-button";

/**
 * "Sign in with …": a server action asks Better Auth for the provider's
 * consent URL (its state cookie comes back on the same response) and sends
 * the browser there. The provider calls back /api/auth/callback/<id>, which
 * the proxy hands to the Convex site; it creates the session and redirects
 * to the dashboard.
 */
export function OAuthSignIn({ provider }: { provider: { id: string; name: string } }) {
  const [state, formAction] = useActionState<FormState, FormData>(signInWithOAuth, null);
  const error = formError(state);
  return (
    <>
      <form action={formAction}>
        <input type="hidden" name="provider" value={provider.id} />
        <SubmitButton busyLabel={`Redirecting to ${provider.name}…`}>Sign in with {provider.name}</SubmitButton>
      </form>
      {error && <p role="alert">{error}</p>}
    </>
  );
}
