import { useState } from "react";
import { useQuery } from "convex/react";
import { api } from "../../convex/_generated/api";
import { authClient } from "@/lib/auth-client";

/**
 * "Sign in with …" for the OpenID Connect provider the deployment is
 * configured with (OAUTH_* environment variables); nothing when there is none.
 *
 * The browser goes to the provider, then to the callback on the Convex site,
 * which sends it back here with `?ott=<one-time token>`; ConvexBetterAuthProvider
 * exchanges that for the session on load.
 */
export function OAuthSignIn({ onError }: { onError: (message: string | null) => void }) {
  const provider = useQuery(api.auth.oauthProvider);
  const [pending, setPending] = useState(false);
  if (!provider) return null;

  async function signIn() {
    if (!provider) return;
    onError(null);
    setPending(true);
    const { error } = await authClient.signIn.social({
      provider: provider.id,
      // Relative URLs are resolved against SITE_URL by crossDomain().
      callbackURL: "/",
      errorCallbackURL: "/",
    });
    // On success the browser is already leaving for the provider.
    if (error) {
      onError(error.message ?? "Could not start the sign-in");
      setPending(false);
    }
  }

  return (
    <p>
      <button type="button" onClick={signIn} disabled={pending}>
        Sign in with {provider.name}
      </button>
    </p>
  );
}
