/**
 * `expo-web-browser` for tests under Node: `openAuthSessionAsync` hands the
 * sign-in URL to a browser the test installs (one that follows redirects
 * through the test deployment and the OAuth provider). `vitest.config.ts`
 * aliases `expo-web-browser` here.
 *
 * @internal
 * @module
 */

/** What `openAuthSessionAsync` resolves to: `success` with the app URL the browser was sent to, or `dismiss`. */
export type WebBrowserAuthSessionResult = { type: "success"; url: string } | { type: "dismiss" | "cancel" };

/** The test's in-app browser: opens `url` and follows it until a redirect to `redirectUrl`. */
export type AuthSessionBrowser = (url: string, redirectUrl: string) => Promise<WebBrowserAuthSessionResult>;

let browser: AuthSessionBrowser | undefined;

/**
 * Install the browser `openAuthSessionAsync` uses.
 *
 * @example
 * ```ts
 * setAuthSessionBrowser(async (url, redirectUrl) => ({ type: "success", url: `${redirectUrl}?cookie=…` }));
 * ```
 */
export function setAuthSessionBrowser(next: AuthSessionBrowser | undefined): void {
  browser = next;
}

export async function openAuthSessionAsync(url: string, redirectUrl: string): Promise<WebBrowserAuthSessionResult> {
  if (!browser) throw new Error("expo-web-browser shim: no browser installed (setAuthSessionBrowser)");
  return browser(url, redirectUrl);
}

export function dismissAuthSession(): void {}
