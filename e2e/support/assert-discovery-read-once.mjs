/**
 * Pins "the OAuth provider's discovery document is fetched on every auth
 * request": on Convex, `createAuth(ctx)` starts Better Auth for each request,
 * and `genericOAuth` reads the discovery document when Better Auth starts.
 * The examples keep what it read; this checks that, after an OAuth sign-in
 * has read the document, more auth requests on the Convex site do not.
 */
import assert from "node:assert/strict";

/**
 * @param {{
 *   provider: { discoveryRequests: () => number },
 *   stack: { siteUrl: string },
 * }} example from `startExample()`, after an OAuth sign-in
 *
 * @example
 * ```js
 * // … "Sign in with …", consent, back on the app signed in …
 * await assertDiscoveryReadOnce(example);
 * ```
 */
export async function assertDiscoveryReadOnce({ provider, stack }) {
  const read = provider.discoveryRequests();
  assert.ok(read >= 1, "the OAuth sign-in read the provider's discovery document");
  for (let i = 0; i < 3; i++) {
    // Better Auth with the provider, started in an HTTP action like every /api/auth request.
    const response = await fetch(`${stack.siteUrl}/api/auth/get-session`);
    assert.equal(response.status, 200, await response.text());
  }
  assert.equal(provider.discoveryRequests(), read, "auth requests after the first do not fetch the discovery document");
}
