/**
 * End to end: the examples/react SPA (Vite dev server on its own origin)
 * against convex-local's site origin, with crossDomain, in Debian's Chromium
 * driven by playwright-core, and one OAuth sign-in through a real OpenID
 * Connect provider on loopback (support/oauth-mock-provider.mjs).
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { answerProviderConsent } from "../support/answer-provider-consent.mjs";
import { assertDiscoveryReadOnce } from "../support/assert-discovery-read-once.mjs";
import { changePasswordForm } from "../support/change-password-form.mjs";
import { WRONG_PASSWORD_WARNING } from "../support/clean-logs.mjs";
import { convexQuery } from "../support/convex-query.mjs";
import { jwtClaims } from "../support/jwt-claims.mjs";
import { startExample } from "../support/start-example.mjs";
import { USER } from "../support/test-user.mjs";

const RENAMED = "Ada King";
const PASSWORDS = [USER.password, USER.newPassword, USER.wrongPassword];

/** The running example (startExample): the OAuth provider, the stack, the watched browser and logs. */
let example;
let provider, stack, browser, logs, page;

before(async () => {
  example = await startExample({ example: "react" });
  ({ provider, stack, browser, logs } = example);
  page = await (await browser.newContext()).newPage();
});

after(() => example?.stop());

/** The Better Auth cookies the crossDomain client keeps in localStorage, by name. */
async function storedCookies() {
  const raw = await page.evaluate(() => localStorage.getItem("better-auth_cookie"));
  const parsed = JSON.parse(raw ?? "{}");
  return Object.fromEntries(Object.entries(parsed).map(([name, cookie]) => [name, cookie.value]));
}

/** Calls Better Auth on the Convex site the way the SPA does: cookies in the Better-Auth-Cookie header. */
async function authFetch(pathname, init = {}) {
  const cookies = await storedCookies();
  const cookieHeader = Object.entries(cookies)
    .map(([name, value]) => `${name}=${value}`)
    .join("; ");
  return await fetch(`${stack.siteUrl}/api/auth${pathname}`, {
    ...init,
    headers: {
      "better-auth-cookie": cookieHeader,
      origin: stack.appUrl,
      "content-type": "application/json",
      ...init.headers,
    },
  });
}

/** The convex_jwt cookie the SPA holds: minted for the current session and accepted by Convex. */
async function assertConvexJwtForCurrentSession(expected) {
  const sessionResponse = await authFetch("/get-session");
  assert.equal(sessionResponse.status, 200);
  const { session, user } = await sessionResponse.json();
  assert.equal(user.email, expected.email);

  const cookies = await storedCookies();
  const name = Object.keys(cookies).find((cookie) => cookie.endsWith(".convex_jwt"));
  assert.ok(name, `a convex_jwt cookie among ${Object.keys(cookies).join(", ")}`);
  const claims = jwtClaims(cookies[name]);
  assert.equal(claims.sub, user.id);
  assert.equal(claims.sessionId, session.id);
  assert.equal(claims.iss, stack.siteUrl);

  const result = await convexQuery(stack.cloudUrl, cookies[name]);
  assert.equal(result.status, "success", JSON.stringify(result));
  assert.equal(result.value?.email, expected.email);
  assert.equal(result.value?.name, expected.name);
}

/** `method` of every form on the page: "post" keeps credentials out of URLs even if one is submitted without JS. */
async function formMethods() {
  return await page.locator("form").evaluateAll((forms) => forms.map((form) => form.method));
}

async function signIn(password) {
  await page.getByLabel("Email", { exact: true }).fill(USER.email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

async function signOut() {
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByRole("heading", { name: "Sign in" }).waitFor();
}

function isAuthResponse(pathname) {
  return (response) =>
    response.url() === `${stack.siteUrl}/api/auth${pathname}` && response.request().method() === "POST";
}

test("opened on 127.0.0.1 instead of SITE_URL, the app says which URL to use", async () => {
  const appUrl = new URL(stack.appUrl);
  await page.goto(`http://127.0.0.1:${appUrl.port}/`);
  const alert = page.getByRole("alert");
  await alert.waitFor();
  assert.match(await alert.textContent(), /Sign-in only works on http:\/\/localhost:\d+/);
  assert.equal(await alert.getByRole("link").getAttribute("href"), `${stack.appUrl}/`);
});

test("sign up, then a live Convex query shows the user", async () => {
  await page.goto("/");
  await page.getByRole("heading", { name: "Sign in" }).waitFor();
  assert.deepEqual(await formMethods(), ["post"], "the sign-in form posts");
  await page.getByRole("button", { name: "Sign up" }).click();
  await page.getByRole("heading", { name: "Sign up" }).waitFor();
  assert.deepEqual(await formMethods(), ["post"], "the sign-up form posts");
  await page.getByLabel("Name", { exact: true }).fill(USER.name);
  await page.getByLabel("Email", { exact: true }).fill(USER.email);
  await page.getByLabel("Password", { exact: true }).fill(USER.password);
  await page.getByRole("button", { name: "Sign up" }).click();
  await page.getByRole("heading", { name: `Signed in as ${USER.name}` }).waitFor();
  await page.getByText(USER.email).waitFor();
  assert.deepEqual(await formMethods(), ["post"], "the change-password form posts");
  await assertConvexJwtForCurrentSession({ email: USER.email, name: USER.name });
});

test("the query is live: a change to the user shows without a reload", async () => {
  const navigations = [];
  const onNavigation = (frame) => frame === page.mainFrame() && navigations.push(frame.url());
  page.on("framenavigated", onNavigation);
  try {
    const response = await authFetch("/update-user", { method: "POST", body: JSON.stringify({ name: RENAMED }) });
    assert.equal(response.status, 200, await response.text());
    await page.getByRole("heading", { name: `Signed in as ${RENAMED}` }).waitFor();
    assert.deepEqual(navigations, []);
  } finally {
    page.off("framenavigated", onNavigation);
  }
});

test("a reload keeps the session", async () => {
  await page.reload();
  await page.getByRole("heading", { name: `Signed in as ${RENAMED}` }).waitFor();
});

test("change password: a wrong current password is a 4xx and a message in the form", async () => {
  const form = changePasswordForm(page);
  const [refused] = await Promise.all([
    page.waitForResponse(isAuthResponse("/change-password")),
    form.submit(USER.wrongPassword, USER.newPassword),
  ]);
  assert.ok(refused.status() >= 400 && refused.status() < 500, `a 4xx, got ${refused.status()}`);
  browser.allowFailedLoad(refused.url(), refused.status());
  await form.refused();

  await form.submit(USER.password, USER.newPassword);
  await form.changed();
});

test("sign out, the old password fails, the new one signs in", async () => {
  await signOut();

  const [refused] = await Promise.all([page.waitForResponse(isAuthResponse("/sign-in/email")), signIn(USER.password)]);
  assert.equal(refused.status(), 401);
  browser.allowFailedLoad(refused.url(), 401);
  await page.getByRole("alert").waitFor();

  await signIn(USER.newPassword);
  await page.getByRole("heading", { name: `Signed in as ${RENAMED}` }).waitFor();
  await assertConvexJwtForCurrentSession({ email: USER.email, name: RENAMED });
  await signOut();
});

test("OAuth: denying consent comes back to the sign-in form with a message", async () => {
  await answerProviderConsent(page, example, "Deny");
  await page.waitForURL((url) => url.origin === stack.appUrl);
  await page.getByRole("alert").filter({ hasText: "Sign-in was cancelled at the provider." }).waitFor();
  assert.equal(new URL(page.url()).search, "", "the error parameter is removed from the address bar");
});

test("OAuth: provider, consent, callback on the Convex site, back to the app signed in with a convex_jwt", async () => {
  // Where the browser goes on the way back: the app, with a one-time token.
  const visited = [];
  const onNavigation = (frame) => frame === page.mainFrame() && visited.push(frame.url());
  page.on("framenavigated", onNavigation);
  let authorize;
  try {
    authorize = await answerProviderConsent(page, example, "Allow");
    await page.getByRole("heading", { name: `Signed in as ${provider.user.name}` }).waitFor();
  } finally {
    page.off("framenavigated", onNavigation);
  }

  assert.equal(authorize.searchParams.get("redirect_uri"), `${stack.siteUrl}/api/auth/callback/oidc`);
  assert.equal(authorize.searchParams.get("code_challenge_method"), "S256");
  const landed = visited
    .map((url) => new URL(url))
    .find((url) => url.origin === stack.appUrl && url.searchParams.has("ott"));
  assert.ok(landed, `back on the app with a one-time token: ${visited.join(" → ")}`);
  await page.waitForURL((url) => url.origin === stack.appUrl && !url.searchParams.has("ott"));

  await page.getByText(provider.user.email).waitFor();
  await assertConvexJwtForCurrentSession({ email: provider.user.email, name: provider.user.name });
  await signOut();
});

test("OAuth: the provider's discovery document is read once, not on every auth request", async () => {
  await assertDiscoveryReadOnce(example);
});

test("no credentials in any URL, a clean browser console and clean server logs", async () => {
  // Late errors from the last sign-out would show up within this pause.
  await page.waitForTimeout(1500);
  await logs.assertNoPasswords(PASSWORDS);
  // Since the start: the terminal of convex-local and Vite, the Convex function log (what
  // `npx convex dev` shows) with Better Auth's note of the wrong password signed in with on purpose.
  await logs.assertCleanSince(undefined, { allow: [WRONG_PASSWORD_WARNING] });
});
