import { convexQuery } from "@convex-dev/react-query";
import { useSuspenseQuery } from "@tanstack/react-query";
import { createFileRoute, Link, redirect, useHydrated } from "@tanstack/react-router";
import { useState, type FormEvent } from "react";
import { authClient } from "@/lib/auth-client";
import { authCodeMessage } from "@/lib/auth-code-message";
import { postAuthForm, readFormFields } from "@/lib/auth-form-post";
import { api } from "~/convex/_generated/api";

export const Route = createFileRoute("/sign-in")({
  validateSearch: (search: Record<string, unknown>): { error?: string } =>
    typeof search.error === "string" ? { error: search.error } : {},
  beforeLoad: ({ context }) => {
    if (context.isAuthenticated) {
      throw redirect({ to: "/" });
    }
  },
  loader: async ({ context }) => {
    await context.queryClient.ensureQueryData(convexQuery(api.auth.getSignInMethods, {}));
  },
  server: {
    handlers: {
      // The form posted before hydration (or without JavaScript).
      POST: async ({ request }) => {
        const { email, password } = await readFormFields(request, ["email", "password"]);
        return await postAuthForm(request, {
          endpoint: "/sign-in/email",
          body: { email, password },
          onSuccess: "/",
          onFailure: (code) => `/sign-in?error=${code}`,
        });
      },
    },
  },
  component: SignIn,
});

function SignIn() {
  const search = Route.useSearch();
  const { data: methods } = useSuspenseQuery(convexQuery(api.auth.getSignInMethods, {}));
  const oauth = methods.oauth;
  // The OAuth button needs JavaScript: until the page hydrates it is disabled
  // rather than silently doing nothing.
  const hydrated = useHydrated();
  const [error, setError] = useState<string | null>(authCodeMessage(search.error, "Sign in failed"));
  const [pending, setPending] = useState(false);

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

  async function onOAuth(provider: string) {
    setError(null);
    setPending(true);
    // genericOAuth registers the provider as a social provider.
    const { error } = await authClient.signIn.social({ provider, callbackURL: "/" });
    // On success the browser is already on its way to the provider.
    if (error) {
      setError(error.message ?? "Could not reach the sign-in provider");
      setPending(false);
    }
  }

  return (
    <div>
      <h1>Sign in</h1>
      <form method="post" action="/sign-in" onSubmit={onSubmit}>
        <label>
          Email
          <input name="email" type="email" autoComplete="email" required />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" required />
        </label>
        <button type="submit" disabled={pending}>
          Sign in
        </button>
      </form>
      {oauth && (
        <button type="button" onClick={() => onOAuth(oauth.providerId)} disabled={pending || !hydrated}>
          Sign in with {oauth.name}
        </button>
      )}
      {error && <p role="alert">{error}</p>}
      <p>
        No account yet? <Link to="/sign-up">Sign up</Link>
      </p>
    </div>
  );
}
