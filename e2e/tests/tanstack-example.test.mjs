/**
 * End to end: the examples/tanstack app (TanStack Start, production build
 * served by `vite preview`) against convex-local, in Debian's Chromium driven
 * by playwright-core, with one OAuth sign-in through a real OpenID Connect
 * provider on loopback (support/oauth-mock-provider.mjs).
 */
import assert from "node:assert/strict";
import { request as httpRequest } from "node:http";
import { after, before, test } from "node:test";
import { answerProviderConsent } from "../support/answer-provider-consent.mjs";
import { assertDiscoveryReadOnce } from "../support/assert-discovery-read-once.mjs";
import { changePasswordForm } from "../support/change-password-form.mjs";
import { WRONG_PASSWORD_WARNING } from "../support/clean-logs.mjs";
import { convexQuery } from "../support/convex-query.mjs";
import { jwtClaims } from "../support/jwt-claims.mjs";
import { startExample } from "../support/start-example.mjs";
import { USER } from "../support/test-user.mjs";

const NO_JS_NAME = "Charles Babbage";
const NO_JS_EMAIL = `charles-${Date.now()}@example.com`;
const NO_JS_PASSWORD = "difference-engine-1";
const PASSWORDS = [USER.password, USER.newPassword, USER.wrongPassword, NO_JS_PASSWORD];

/** The running example (startExample): the OAuth provider, the stack, the watched browser and logs. */
let example;
let provider, stack, browser, logs, page;

before(async () => {
  example = await startExample({
    example: "tanstack",
    // `vite build` + `vite preview`: one build, then no on-demand compiling or dependency re-optimizing reloads.
    env: { START_MODE: "prod" },
  });
  ({ provider, stack, browser, logs } = example);
  page = await (await browser.newContext()).newPage();
});

after(() => example?.stop());

/** A document request for the dashboard (`/`): its body is the server's first HTML. */
const isDashboardNavigation = (response) =>
  new URL(response.url()).pathname === "/" &&
  response.request().isNavigationRequest() &&
  response.request().method() === "GET";

/** The app's server function calls (TanStack Start RPC). */
const isServerFnResponse = (response) => new URL(response.url()).pathname.startsWith("/_serverFn/");

async function signIn(target, email, password) {
  await target.getByLabel("Email", { exact: true }).fill(email);
  await target.getByLabel("Password", { exact: true }).fill(password);
  await target.getByRole("button", { name: "Sign in", exact: true }).click();
}

/** GET on the app with a chosen Host header (fetch does not let one set it). */
function getWithHost(pathname, host) {
  const { hostname, port } = new URL(stack.appUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ hostname, port, path: pathname, headers: { host, accept: "text/html" } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

test("opened on 127.0.0.1 it redirects to SITE_URL; on another address it says which URL to use", async () => {
  const { port } = new URL(stack.appUrl);
  await page.goto(`http://127.0.0.1:${port}/sign-in`);
  assert.equal(page.url(), `${stack.appUrl}/sign-in`);

  const lan = await getWithHost("/", `192.0.2.10:${port}`);
  assert.equal(lan.status, 421);
  assert.match(lan.body, new RegExp(`signs in on <a href="${stack.appUrl}/">`));
});

test("route protection: / answers with a redirect to /sign-in before rendering anything", async () => {
  const response = await fetch(`${stack.appUrl}/`, { redirect: "manual", headers: { accept: "text/html" } });
  assert.equal(response.status, 307);
  assert.equal(response.headers.get("location"), "/sign-in");
  await page.goto("/");
  assert.equal(new URL(page.url()).pathname, "/sign-in");
});

test("sign up: the dashboard's first HTML from the server already says who is signed in", async () => {
  await page.getByRole("link", { name: "Sign up" }).click();
  await page.getByRole("heading", { name: "Sign up" }).waitFor();
  await page.getByLabel("Name", { exact: true }).fill(USER.name);
  await page.getByLabel("Email", { exact: true }).fill(USER.email);
  await page.getByLabel("Password", { exact: true }).fill(USER.password);
  const [response] = await Promise.all([
    page.waitForResponse(isDashboardNavigation),
    page.getByRole("button", { name: "Sign up" }).click(),
  ]);
  assert.equal(response.status(), 200);
  assert.match(await response.text(), new RegExp(`<p data-testid="current-user">Signed in as ${USER.name}</p>`));
  await page.getByText(`Signed in as ${USER.name}`).waitFor();
});

test("a server function changes the password with the user's token (fetchAuthMutation); a wrong one is a message", async () => {
  const form = changePasswordForm(page);
  const [refused] = await Promise.all([
    page.waitForResponse(isServerFnResponse),
    form.submit(USER.wrongPassword, USER.newPassword),
  ]);
  assert.equal(refused.status(), 200);
  assert.equal(refused.request().method(), "POST");
  await form.refused();

  await form.submit(USER.password, USER.newPassword);
  await form.changed();
});

test("sign out, the old password fails, the new one signs in (rendered on the server)", async () => {
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL((url) => url.pathname === "/sign-in");
  await page.getByRole("heading", { name: "Sign in" }).waitFor();

  const [refused] = await Promise.all([
    page.waitForResponse((response) => new URL(response.url()).pathname === "/api/auth/sign-in/email"),
    signIn(page, USER.email, USER.password),
  ]);
  assert.equal(refused.status(), 401);
  browser.allowFailedLoad(refused.url(), 401);
  await page.getByRole("alert").waitFor();
  assert.equal(new URL(page.url()).pathname, "/sign-in");

  const [response] = await Promise.all([
    page.waitForResponse(isDashboardNavigation),
    signIn(page, USER.email, USER.newPassword),
  ]);
  assert.match(await response.text(), new RegExp(`Signed in as ${USER.name}`));
  await page.getByText(`Signed in as ${USER.name}`).waitFor();
});

test("a revoked session's still-valid convex_jwt cookie does not count: / redirects to /sign-in", async () => {
  const cookies = await page.context().cookies();
  const jwt = cookies.find((cookie) => cookie.name.endsWith(".convex_jwt"));
  assert.ok(jwt, "the convex_jwt cookie");
  // Ended from elsewhere (another tab, an admin): this page is not watching it end.
  await page.goto("about:blank");
  const revoke = await page.request.post("/api/auth/revoke-sessions", { data: {}, headers: { origin: stack.appUrl } });
  assert.equal(revoke.status(), 200, await revoke.text());
  assert.ok(jwtClaims(jwt.value).exp * 1000 > Date.now() + 60_000, "the cookie's token has not expired");

  await page.goto("/");
  assert.equal(new URL(page.url()).pathname, "/sign-in");
  await page.getByRole("button", { name: "Sign in", exact: true }).waitFor();
});

test("without JavaScript the forms post to the server: sign up, sign out, a refused and a good sign-in", async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  try {
    const noJs = await context.newPage();
    await noJs.goto("/sign-up");
    await noJs.getByLabel("Name", { exact: true }).fill(NO_JS_NAME);
    await noJs.getByLabel("Email", { exact: true }).fill(NO_JS_EMAIL);
    await noJs.getByLabel("Password", { exact: true }).fill(NO_JS_PASSWORD);
    const [signedUp] = await Promise.all([
      noJs.waitForResponse(isDashboardNavigation),
      noJs.getByRole("button", { name: "Sign up" }).click(),
    ]);
    assert.match(await signedUp.text(), new RegExp(`Signed in as ${NO_JS_NAME}`));

    await noJs.getByRole("button", { name: "Sign out" }).click();
    await noJs.waitForURL((url) => url.pathname === "/sign-in");

    await signIn(noJs, NO_JS_EMAIL, USER.wrongPassword);
    await noJs.waitForURL(
      (url) => url.pathname === "/sign-in" && url.searchParams.get("error") === "INVALID_EMAIL_OR_PASSWORD",
    );
    assert.equal(await noJs.getByRole("alert").textContent(), "Invalid email or password");

    const [signedIn] = await Promise.all([
      noJs.waitForResponse(isDashboardNavigation),
      signIn(noJs, NO_JS_EMAIL, NO_JS_PASSWORD),
    ]);
    assert.match(await signedIn.text(), new RegExp(`Signed in as ${NO_JS_NAME}`));
  } finally {
    await context.close();
  }
});

test("OAuth: provider, consent, callback through the app, back on / rendered signed in, with a convex_jwt", async () => {
  // The previous test's revoke left this page on /sign-in.
  await page.goto("/sign-in");
  const [dashboard, authorize] = await Promise.all([
    page.waitForResponse(isDashboardNavigation),
    answerProviderConsent(page, example, "Allow"),
  ]);
  assert.match(await dashboard.text(), new RegExp(`Signed in as ${provider.user.name}`));
  await page.getByText(`Signed in as ${provider.user.name}`).waitFor();

  assert.equal(authorize.searchParams.get("redirect_uri"), `${stack.appUrl}/api/auth/callback/oidc`);
  assert.equal(authorize.searchParams.get("code_challenge_method"), "S256");

  const jwt = (await page.context().cookies()).find((cookie) => cookie.name.endsWith(".convex_jwt"));
  assert.ok(jwt, "a convex_jwt cookie for the OAuth session");
  const claims = jwtClaims(jwt.value);
  assert.equal(claims.iss, stack.siteUrl);
  assert.equal(claims.aud, "convex");
  const result = await convexQuery(stack.cloudUrl, jwt.value);
  assert.equal(result.status, "success", JSON.stringify(result));
  assert.equal(result.value?.email, provider.user.email);
  assert.equal(result.value?._id, claims.sub);

  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL((url) => url.pathname === "/sign-in");
});

test("OAuth: the provider's discovery document is read once, not on every auth request", async () => {
  await assertDiscoveryReadOnce(example);
});

test("no credentials in any URL, no 5xx, a clean browser console and clean server logs", async () => {
  // Late errors from the last sign-out would show up within this pause.
  await page.waitForTimeout(1500);
  // Since the start: the terminal of convex-local and the app server, the Convex function log (what
  // `npx convex dev` shows) with Better Auth's note of each wrong password signed in with on purpose,
  // the browser console and the app's responses (no 5xx).
  await logs.assertCleanSince(undefined, { allow: [WRONG_PASSWORD_WARNING] });
  await logs.assertNoPasswords(PASSWORDS);
});
