import { createFileRoute, Link, redirect } from "@tanstack/react-router";
import { useState, type FormEvent } from "react";
import { authClient } from "@/lib/auth-client";
import { authCodeMessage } from "@/lib/auth-code-message";
import { postAuthForm, readFormFields } from "@/lib/auth-form-post";

export const Route = createFileRoute("/sign-up")({
  validateSearch: (search: Record<string, unknown>): { error?: string } =>
    typeof search.error === "string" ? { error: search.error } : {},
  beforeLoad: ({ context }) => {
    if (context.isAuthenticated) {
      throw redirect({ to: "/" });
    }
  },
  server: {
    handlers: {
      // The form posted before hydration (or without JavaScript).
      POST: async ({ request }) => {
        const { name, email, password } = await readFormFields(request, ["name", "email", "password"]);
        return await postAuthForm(request, {
          endpoint: "/sign-up/email",
          body: { name, email, password },
          onSuccess: "/",
          onFailure: (code) => `/sign-up?error=${code}`,
        });
      },
    },
  },
  component: SignUp,
});

function SignUp() {
  const search = Route.useSearch();
  const [error, setError] = useState<string | null>(authCodeMessage(search.error, "Sign up failed"));
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

  return (
    <div>
      <h1>Sign up</h1>
      <form method="post" action="/sign-up" onSubmit={onSubmit}>
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
          Sign up
        </button>
      </form>
      {error && <p role="alert">{error}</p>}
      <p>
        Already have an account? <Link to="/sign-in">Sign in</Link>
      </p>
    </div>
  );
}
