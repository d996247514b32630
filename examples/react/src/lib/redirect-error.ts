/**
 * Better Auth sends the browser back with `?error=<code>` when an OAuth
 * sign-in fails (the user denied consent, the provider refused, …). It is read
 * once when the app loads and removed from the address bar, so a reload does
 * not show it again.
 */
let pending = readAndStrip();

function readAndStrip(): string | null {
  const url = new URL(window.location.href);
  const code = url.searchParams.get("error");
  if (!code) return null;
  url.searchParams.delete("error");
  url.searchParams.delete("error_description");
  window.history.replaceState(window.history.state, "", url);
  return code === "access_denied"
    ? "Sign-in was cancelled at the provider."
    : `Sign-in with the provider failed (${code.replaceAll("_", " ")}).`;
}

/** The message for the failed redirect this page was loaded with, if any (pure: safe as a state initializer). */
export function redirectError(): string | null {
  return pending;
}

/** Marks the message as shown. */
export function clearRedirectError(): void {
  pending = null;
}
