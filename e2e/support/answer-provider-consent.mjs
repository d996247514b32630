/**
 * The first half of an OAuth sign-in as a user makes it: "Sign in with
 * <provider>" on the app, then the loopback provider's consent page
 * (oauth-mock-provider.mjs), which names the user, answered "Allow" or "Deny".
 *
 * @param {import("playwright-core").Page} page a page showing the app's sign-in form
 * @param {{ provider: { issuer: string, user: { name: string } }, providerName: string }} example
 *   from `startExample()`
 * @param {"Allow" | "Deny"} decision
 * @returns {Promise<URL>} the authorization request the app sent the browser with
 *
 * @example
 * ```js
 * const authorize = await answerProviderConsent(page, example, "Allow");
 * assert.equal(authorize.searchParams.get("code_challenge_method"), "S256");
 * ```
 */
export async function answerProviderConsent(page, { provider, providerName }, decision) {
  await page.getByRole("button", { name: `Sign in with ${providerName}` }).click();
  await page.waitForURL((url) => url.origin === provider.issuer && url.pathname === "/authorize");
  const authorize = new URL(page.url());
  await page.getByText(`as ${provider.user.name}`).waitFor();
  await page.getByRole("button", { name: decision }).click();
  return authorize;
}
