/**
 * End to end: the examples/next app (Next.js dev server) against convex-local,
 * in Debian's Chromium driven by playwright-core, with one OAuth sign-in
 * through a real OpenID Connect provider on loopback
 * (support/oauth-mock-provider.mjs). Besides what each step shows, it checks
 * the browser console, the Next.js terminal and the Convex function log
 * (`npx convex logs`) stay clean, and that no password reaches a URL or a log.
 */
import assert from "node:assert/strict";
import os from "node:os";
import { after, before, test } from "node:test";
import { answerProviderConsent } from "../support/answer-provider-consent.mjs";
import { assertDiscoveryReadOnce } from "../support/assert-discovery-read-once.mjs";
import { changePasswordForm } from "../support/change-password-form.mjs";
import { WRONG_PASSWORD_WARNING } from "../support/clean-logs.mjs";
import { convexQuery } from "../support/convex-query.mjs";
import { jwtClaims } from "../support/jwt-claims.mjs";
import { startExample } from "../support/start-example.mjs";
import { USER } from "../support/test-user.mjs";

const NO_JS_EMAIL = `babbage-${Date.now()}@example.com`;
const NO_JS_PASSWORD = "no-script-password-321";
const PASSWORDS = [USER.password, USER.newPassword, USER.wrongPassword, NO_JS_PASSWORD];

/** The running example (startExample): the OAuth provider, the stack, the watched browser and logs. */
let example;
let provider, stack, browser, logs, context, page;

before(async () => {
  example = await startExample({
    example: "next",
    // `npm start` copies no OAUTH_* for this example: they are set the way its README says.
    oauthEnv: "convex env set",
    // Next compiles each page on its first request: longer waits than a built app needs.
    timeout: 60_000,
    navigationTimeout: 90_000,
  });
  ({ provider, stack, browser, logs } = example);
  context = await browser.newContext();
  page = await context.newPage();
});

after(() => example?.stop());

const isDashboardNavigation = (response) =>
  new URL(response.url()).pathname === "/" &&
  response.request().isNavigationRequest() &&
  response.request().method() === "GET";

/** The page's own alerts (Next's route announcer is an empty role="alert" too). */
const alerts = (target = page) => target.locator("main").getByRole("alert");

/**
 * Waits until React has hydrated the page. A form submitted before that
 * posts to its server action instead (the no-JavaScript path, covered on its
 * own below); the other tests drive the hydrated app, as a user does a
 * moment after the page shows.
 */
async function hydrated(target = page) {
  await target.waitForFunction(() => {
    const main = document.querySelector("main");
    return main !== null && Object.keys(main).some((key) => key.startsWith("__reactFiber$"));
  });
}

async function signOut(target = page) {
  await hydrated(target);
  await target.getByRole("button", { name: "Sign out" }).click();
  await target.getByRole("heading", { name: "Sign in" }).waitFor();
}

async function signIn(password, target = page, email = USER.email) {
  if (target === page) await hydrated(target);
  await target.getByLabel("Email", { exact: true }).fill(email);
  await target.getByLabel("Password", { exact: true }).fill(password);
  await target.getByRole("button", { name: "Sign in", exact: true }).click();
}

/** The browser's convex_jwt cookie: minted for its current session, accepted by Convex. */
async function assertConvexJwtForCurrentSession(expected) {
  const sessionResponse = await page.request.get("/api/auth/get-session");
  assert.equal(sessionResponse.status(), 200);
  const { session, user } = await sessionResponse.json();
  assert.equal(user.email, expected.email);
  const cookie = (await context.cookies()).find((c) => c.name.endsWith(".convex_jwt"));
  assert.ok(cookie, "a convex_jwt cookie");
  const claims = jwtClaims(cookie.value);
  assert.equal(claims.sub, user.id);
  assert.equal(claims.sessionId, session.id);
  const result = await convexQuery(stack.cloudUrl, cookie.value);
  assert.equal(result.status, "success", JSON.stringify(result));
  assert.equal(result.value?.email, expected.email);
  assert.equal(result.value?.name, expected.name);
}

test("before hydration the forms post to server actions: sign up, a wrong password, sign out, sign in", async () => {
  const marks = logs.mark();
  // No JavaScript: what a form does when it is submitted before hydration.
  const noScript = await browser.newContext({ javaScriptEnabled: false });
  const formPosts = [];
  noScript.on(
    "request",
    (request) => request.isNavigationRequest() && request.method() === "POST" && formPosts.push(request.url()),
  );
  try {
    const tab = await noScript.newPage();
    await tab.goto("/sign-up");
    assert.deepEqual(await tab.locator("form").evaluateAll((forms) => forms.map((form) => form.method)), ["post"]);
    await tab.getByLabel("Name", { exact: true }).fill("Charles Babbage");
    await tab.getByLabel("Email", { exact: true }).fill(NO_JS_EMAIL);
    await tab.getByLabel("Password", { exact: true }).fill(NO_JS_PASSWORD);
    await tab.getByRole("button", { name: "Sign up", exact: true }).click();
    await tab.getByText("Signed in as Charles Babbage").waitFor();
    assert.equal(new URL(tab.url()).pathname, "/");

    const form = changePasswordForm(tab, alerts(tab));
    const [refused] = await Promise.all([
      tab.waitForResponse(
        (response) => response.request().method() === "POST" && response.request().isNavigationRequest(),
      ),
      form.submit(USER.wrongPassword, USER.newPassword),
    ]);
    assert.equal(refused.status(), 200, "the page comes back with the form's message, not a 500");
    await form.refused("Invalid password");

    await tab.getByRole("button", { name: "Sign out" }).click();
    await tab.getByRole("heading", { name: "Sign in" }).waitFor();
    assert.equal(new URL(tab.url()).pathname, "/sign-in");

    await signIn(USER.wrongPassword, tab, NO_JS_EMAIL);
    await alerts(tab)
      .filter({ hasText: /invalid email or password/i })
      .waitFor();
    await signIn(NO_JS_PASSWORD, tab, NO_JS_EMAIL);
    await tab.getByText("Signed in as Charles Babbage").waitFor();
  } finally {
    await noScript.close();
  }
  assert.ok(formPosts.length >= 5, `every submission was a POST: ${formPosts.join(", ")}`);
  await logs.assertCleanSince(marks, { allow: [WRONG_PASSWORD_WARNING] });
});

test("sign up renders the dashboard on the server", async () => {
  const marks = logs.mark();
  await page.goto("/sign-up");
  await hydrated();
  await page.getByLabel("Name", { exact: true }).fill(USER.name);
  await page.getByLabel("Email", { exact: true }).fill(USER.email);
  await page.getByLabel("Password", { exact: true }).fill(USER.password);
  const [response] = await Promise.all([
    page.waitForResponse(isDashboardNavigation, { timeout: 90_000 }),
    page.getByRole("button", { name: "Sign up", exact: true }).click(),
  ]);
  assert.equal(response.status(), 200);
  assert.match(await response.text(), new RegExp(`Signed in as ${USER.name}`));
  await page.getByText(`Signed in as ${USER.name}`).waitFor();
  await logs.assertCleanSince(marks);
});

test("a reload keeps the session", async () => {
  const response = await page.reload();
  assert.equal(new URL(page.url()).pathname, "/");
  assert.match(await response.text(), new RegExp(`Signed in as ${USER.name}`));
  await page.getByText(`Signed in as ${USER.name}`).waitFor();
});

test("a signed-in page stays signed in while /convex/token fails", async () => {
  const withdraw = browser.allowFailedLoad(`${stack.appUrl}/api/auth/convex/token`);
  await page.route("**/convex/token", (route) => route.abort());
  try {
    await page.reload();
    await page.getByText(`Signed in as ${USER.name}`).waitFor();
    await page.waitForTimeout(4000);
    assert.equal(await page.getByText(`Signed in as ${USER.name}`).count(), 1);
    assert.equal(await page.getByText("Not signed in").count(), 0);
  } finally {
    await page.unroute("**/convex/token");
  }
  await page.waitForTimeout(2000);
  assert.equal(await page.getByText(`Signed in as ${USER.name}`).count(), 1);
  assert.equal(new URL(page.url()).pathname, "/");
  // Reloaded once more: the token requests aborted above are over.
  await page.reload();
  await page.getByText(`Signed in as ${USER.name}`).waitFor();
  withdraw();
});

test("change password: a wrong current password is a message in the form, then the right one works", async () => {
  const marks = logs.mark();
  await hydrated();
  const form = changePasswordForm(page, alerts());
  const [refused] = await Promise.all([
    page.waitForResponse(
      (response) => response.request().method() === "POST" && new URL(response.url()).pathname === "/",
    ),
    form.submit(USER.wrongPassword, USER.newPassword),
  ]);
  assert.ok(refused.status() < 500, `not a server error: ${refused.status()}`);
  await form.refused("Invalid password");

  await form.submit(USER.password, USER.newPassword);
  await form.changed();
  await logs.assertCleanSince(marks);
});

test("sign out stops the page's Convex queries first and is quiet; the old password fails, the new one signs in", async () => {
  const marks = logs.mark();
  // What the page sends: on its Convex WebSocket, and the sign-out request.
  const sent = [];
  const onSocket = (socket) => socket.on("framesent", (frame) => sent.push(String(frame.payload)));
  const onRequest = (request) =>
    new URL(request.url()).pathname === "/api/auth/sign-out" && sent.push("POST /api/auth/sign-out");
  const parsed = (frame) => {
    try {
      return JSON.parse(frame);
    } catch {
      return null;
    }
  };
  const index = (predicate) => sent.findIndex(predicate);
  const isSubscription = (frame) =>
    parsed(frame)?.modifications?.some((m) => m.type === "Add" && m.udfPath === "auth:getCurrentUser");
  page.on("websocket", onSocket);
  page.on("request", onRequest);
  try {
    // A fresh page load, so the Convex socket is watched from its start.
    await page.reload();
    await page.getByText(`Signed in as ${USER.name}`).waitFor();
    await hydrated();
    for (let i = 0; i < 100 && index(isSubscription) < 0; i++) await page.waitForTimeout(100);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL((url) => url.pathname === "/sign-in");
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
  } finally {
    page.off("websocket", onSocket);
    page.off("request", onRequest);
  }
  const subscribed = index(isSubscription);
  const removed = index((frame) => parsed(frame)?.modifications?.some((m) => m.type === "Remove"));
  const authCleared = index((frame) => parsed(frame)?.type === "Authenticate" && parsed(frame)?.tokenType === "None");
  const signOut = sent.indexOf("POST /api/auth/sign-out");
  assert.ok(subscribed >= 0, "the dashboard subscribed to getCurrentUser");
  assert.ok(
    subscribed < removed && removed < authCleared && authCleared < signOut,
    `unsubscribe, then clear Convex auth, then sign out: ${JSON.stringify({ subscribed, removed, authCleared, signOut })}`,
  );
  await page.waitForTimeout(1000);
  await logs.assertCleanSince(marks);

  const wrongMarks = logs.mark();
  await signIn(USER.password);
  await alerts()
    .filter({ hasText: /invalid email or password/i })
    .waitFor();
  assert.equal(new URL(page.url()).pathname, "/sign-in");
  const withdraw = browser.allowFailedLoad(`${stack.appUrl}/api/auth/sign-in/email`, 401);
  await logs.assertCleanSince(wrongMarks, { allow: [WRONG_PASSWORD_WARNING] });
  withdraw();

  const [response] = await Promise.all([
    page.waitForResponse(isDashboardNavigation, { timeout: 90_000 }),
    signIn(USER.newPassword),
  ]);
  assert.match(await response.text(), new RegExp(`Signed in as ${USER.name}`));
  await page.getByText(`Signed in as ${USER.name}`).waitFor();
  await assertConvexJwtForCurrentSession({ email: USER.email, name: USER.name });
});

test("revoking all sessions makes Convex queries unauthenticated and the open dashboard goes to /sign-in", async () => {
  const marks = logs.mark();
  const tokenResponse = await page.request.get("/api/auth/convex/token");
  assert.equal(tokenResponse.status(), 200);
  const { token } = await tokenResponse.json();
  assert.ok(token, "a Convex JWT for the signed-in session");

  const before = await convexQuery(stack.cloudUrl, token);
  assert.equal(before.status, "success", JSON.stringify(before));
  assert.equal(before.value?.name, USER.name);

  const revoke = await page.request.post("/api/auth/revoke-sessions", {
    data: {},
    headers: { origin: stack.appUrl },
  });
  assert.equal(revoke.status(), 200, await revoke.text());

  const afterRevoke = await convexQuery(stack.cloudUrl, token);
  const unauthenticated = afterRevoke.status === "error" || afterRevoke.value == null;
  assert.ok(unauthenticated, `expected no user after revoking, got ${JSON.stringify(afterRevoke)}`);

  const stale = await page.request.get("/api/auth/convex/token");
  assert.notEqual(stale.status(), 200, "no new Convex token for a revoked session");

  // The live query saw the session go: the open page leaves for /sign-in by itself.
  await page.waitForURL((url) => url.pathname === "/sign-in");
  await page.getByRole("button", { name: "Sign in", exact: true }).waitFor();
  await page.goto("/");
  assert.equal(new URL(page.url()).pathname, "/sign-in");
  await logs.assertCleanSince(marks);
});

test("opened on 127.0.0.1, the app moves to SITE_URL's origin and signing in works there", async () => {
  const marks = logs.mark();
  const appUrl = new URL(stack.appUrl);
  const [redirect] = await Promise.all([
    page.waitForResponse((response) => new URL(response.url()).hostname === "127.0.0.1"),
    page.goto(`http://127.0.0.1:${appUrl.port}/sign-in?from=loopback`),
  ]);
  assert.equal(redirect.status(), 307);
  assert.equal(page.url(), `${stack.appUrl}/sign-in?from=loopback`);
  await signIn(USER.newPassword);
  await page.getByText(`Signed in as ${USER.name}`).waitFor();
  await signOut();
  await logs.assertCleanSince(marks);
});

test("opened on a LAN address, the app says which URL to use", async (t) => {
  const lan = Object.values(os.networkInterfaces())
    .flat()
    .find((address) => address && address.family === "IPv4" && !address.internal);
  if (!lan) return t.skip("no LAN address on this machine");
  const marks = logs.mark();
  const opened = `http://${lan.address}:${new URL(stack.appUrl).port}`;
  const tab = await context.newPage();
  try {
    const response = await tab.goto(`${opened}/sign-in`);
    assert.equal(response.status(), 421);
    // The page itself is the one failed load the console may show.
    browser.allowFailedLoad(`${opened}/sign-in`, 421);
    await tab.getByRole("heading", { name: `Open this app at ${stack.appUrl}` }).waitFor();
    assert.equal(
      await tab.getByRole("link", { name: `Continue to ${stack.appUrl}/sign-in` }).getAttribute("href"),
      `${stack.appUrl}/sign-in`,
    );
    assert.match(await tab.locator("body").innerText(), /SITE_URL/);
  } finally {
    await tab.close();
  }
  await logs.assertCleanSince(marks);
});

test("OAuth: denying consent comes back to the sign-in form with a message", async () => {
  const marks = logs.mark();
  await page.goto("/sign-in");
  await answerProviderConsent(page, example, "Deny");
  await page.waitForURL((url) => url.origin === stack.appUrl && url.pathname === "/sign-in");
  await alerts().filter({ hasText: "The sign-in was cancelled at the provider." }).waitFor();
  await logs.assertCleanSince(marks);
});

test("OAuth: provider, consent, callback through /api/auth to the Convex site, back to the app signed in with a convex_jwt", async () => {
  const marks = logs.mark();
  const authorize = await answerProviderConsent(page, example, "Allow");
  await page.getByText(`Signed in as ${provider.user.name}`).waitFor();
  assert.equal(authorize.searchParams.get("redirect_uri"), `${stack.appUrl}/api/auth/callback/oidc`);
  assert.equal(new URL(page.url()).pathname, "/");
  await assertConvexJwtForCurrentSession({ email: provider.user.email, name: provider.user.name });

  await signOut();
  await logs.assertCleanSince(marks);
});

test("OAuth: the provider's discovery document is read once, not on every auth request", async () => {
  await assertDiscoveryReadOnce(example);
});

test("no password in any URL or server log, and no uncaught error anywhere", async () => {
  await page.waitForTimeout(1000);
  await logs.assertNoPasswords(PASSWORDS);
  assert.deepEqual(browser.pageErrors(), []);
});
