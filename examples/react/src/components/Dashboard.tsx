import { useState } from "react";
import { useQuery } from "convex/react";
import { api } from "../../convex/_generated/api";
import { authClient } from "@/lib/auth-client";
import { ChangePassword } from "./ChangePassword";

export function Dashboard() {
  // A live Convex query: it re-runs on the server whenever the user document changes.
  const user = useQuery(api.auth.getCurrentUser);
  const [signingOut, setSigningOut] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function onSignOut() {
    setError(null);
    setSigningOut(true);
    const { error } = await authClient.signOut();
    // On success the session signal flips <Unauthenticated>; this component unmounts.
    if (error) {
      setError(error.message ?? "Sign out failed");
      setSigningOut(false);
    }
  }

  if (user === undefined) {
    return (
      <p className="card" role="status">
        Loading your account…
      </p>
    );
  }

  return (
    <main className="card">
      <header>
        <div>
          <h1>Signed in as {user?.name}</h1>
          <p>{user?.email}</p>
        </div>
        <button type="button" onClick={onSignOut} disabled={signingOut}>
          {signingOut ? "Signing out…" : "Sign out"}
        </button>
      </header>
      {error && <p role="alert">{error}</p>}
      <ChangePassword />
    </main>
  );
}
