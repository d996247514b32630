import { convexQuery } from "@convex-dev/react-query";
import { useSuspenseQuery } from "@tanstack/react-query";
import { createFileRoute, useHydrated } from "@tanstack/react-router";
import { useState, type FormEvent } from "react";
import { updatePassword } from "@/lib/update-password";
import { api } from "~/convex/_generated/api";

export const Route = createFileRoute("/_authed/")({
  component: Dashboard,
  loader: async ({ context }) => {
    await Promise.all([
      context.queryClient.ensureQueryData(convexQuery(api.auth.getCurrentUser, {})),
      // Load multiple queries in parallel if needed
    ]);
  },
});

function Dashboard() {
  const { data: user } = useSuspenseQuery(convexQuery(api.auth.getCurrentUser, {}));
  return (
    <div>
      <h1>Dashboard</h1>
      <p data-testid="current-user">{`Signed in as ${user.name}`}</p>
      <SignOutForm />
      <ChangePasswordForm email={user.email} />
    </div>
  );
}

function SignOutForm() {
  const { convexQueryClient } = Route.useRouteContext();
  // Ending the session makes every live query that reads it run again, now
  // without a session. Close this page's Convex connection first: the page is
  // about to be replaced by /sign-in anyway. Without JavaScript the form
  // posts straight to /sign-out.
  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    await convexQueryClient.convexClient.close();
    form.submit();
  }
  return (
    <form method="post" action="/sign-out" onSubmit={onSubmit}>
      <button type="submit">Sign out</button>
    </form>
  );
}

function ChangePasswordForm({ email }: { email: string }) {
  // The form is sent by a server function, so it needs JavaScript: until the
  // page hydrates its button is disabled rather than posting nowhere.
  const hydrated = useHydrated();
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    setError(null);
    setMessage(null);
    setPending(true);
    try {
      const result = await updatePassword({
        data: {
          currentPassword: String(data.get("currentPassword")),
          newPassword: String(data.get("newPassword")),
        },
      });
      if (result.ok) {
        form.reset();
        setMessage("Password changed");
      } else {
        setError(result.message);
      }
    } catch {
      setError("Could not change the password, try again");
    } finally {
      setPending(false);
    }
  }

  // method="post": whatever happens, passwords never go into a URL.
  return (
    <section>
      <h2>Change password</h2>
      <form method="post" onSubmit={onSubmit}>
        {/* Tells password managers whose password this is. */}
        <input type="email" name="username" autoComplete="username" value={email} readOnly hidden />
        <label>
          Current password
          <input name="currentPassword" type="password" autoComplete="current-password" required />
        </label>
        <label>
          New password
          <input name="newPassword" type="password" autoComplete="new-password" minLength={8} required />
        </label>
        <button type="submit" disabled={pending || !hydrated}>
          Change password
        </button>
      </form>
      {error && <p role="alert">{error}</p>}
      {message && <p role="status">{message}</p>}
    </section>
  );
}
