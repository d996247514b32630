import { useState, type FormEvent } from "react";
import { authClient } from "@/lib/auth-client";

export function ChangePassword() {
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
    // Straight to Better Auth on the Convex site: a wrong current password
    // is its 400 INVALID_PASSWORD, shown here, not a failed Convex function.
    const { error } = await authClient.changePassword({
      currentPassword: String(data.get("currentPassword")),
      newPassword: String(data.get("newPassword")),
    });
    setPending(false);
    if (error) {
      setError(error.message ?? "Could not change the password");
      return;
    }
    form.reset();
    setMessage("Password changed");
  }

  return (
    <section>
      <h2>Change password</h2>
      <form method="post" onSubmit={onSubmit}>
        <label>
          Current password
          <input name="currentPassword" type="password" autoComplete="current-password" required />
        </label>
        <label>
          New password
          <input name="newPassword" type="password" autoComplete="new-password" minLength={8} required />
        </label>
        <button type="submit" disabled={pending}>
          {pending ? "Changing…" : "Change password"}
        </button>
      </form>
      {error && <p role="alert">{error}</p>}
      {message && <p role="status">{message}</p>}
    </section>
  );
}
