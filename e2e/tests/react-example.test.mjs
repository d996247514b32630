/**
 * End to end: the examples/react SPA (Vite dev server on its own origin)
 * against convex-local's site origin, with crossDomain, in Debian's Chromium
 * driven by playwright-core, and one OAuth sign-in through a real OpenID
 * Connect provider on loopback (support/oauth-mock-provider.mjs).
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { chromium } from "playwright-core";
import { startStack } from "../stack.mjs";
import { tailConvexLogs } from "../support/convex-logs.mjs";
import { startOAuthMockProvider } from "../support/oauth-mock-provider.mjs";

const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const NAME = "Ada Lovelace";
const RENAMED = "Ada King";
const EMAIL = `ada-${Date.now()}@example.com`;
const OLD_PASSWORD = "first-password-123";
const NEW_PASSWORD = "second-password-456";
const WRONG_PASSWORD = "not-my-password-789";
const PASSWORDS = [OLD_PASSWORD, NEW_PASSWORD, WRONG_PASSWORD];
const PROVIDER_NAME = "Mock OIDC";

let provider;
let stack;
let convexLogs;
let browser;
let page;
/** Every request the browser made, for the "no credentials in URLs" check. */
const requestUrls = [];
/** Console errors and warnings, and uncaught page errors. */
const consoleProblems = [];
/** Browser-logged failed loads we caused on purpose (wrong passwords), which are allowed. */
const expectedFailedLoads = [];

before(async () => {
  provider = await startOAuthMockProvider({ user: { name: "Grace Hopper" } });
  stack = await startStack({
    example: "react",
    env: {
      OAUTH_ISSUER: provider.issuer,
      OAUTH_CLIENT_ID: provider.clientId,
      OAUTH_CLIENT_SECRET: provider.clientSecret,
      OAUTH_PROVIDER_NAME: PROVIDER_NAME,
    },
  });
  convexLogs = await tailConvexLogs({ cloudUrl: stack.cloudUrl, adminKey: stack.adminKey, cwd: "examples/react" });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  const context = await browser.newContext({ baseURL: stack.appUrl });
  context.setDefaultTimeout(30_000);
  context.setDefaultNavigationTimeout(60_000);
  context.on("request", (request) => requestUrls.push(request.url()));
  context.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning") {
      consoleProblems.push({ type: message.type(), text: message.text(), url: message.location().url });
    }
  });
  page = await context.newPage();
  page.on("pageerror", (error) => consoleProblems.push({ type: "pageerror", text: String(error?.stack ?? error) }));
});

after(async () => {
  await browser?.close().catch(() => {});
  await convexLogs?.stop();
  await stack?.stop();
  await provider?.stop();
});

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

/** Runs api.auth.getCurrentUser over Convex's HTTP API with a Convex JWT. */
async function convexQuery(token) {
  const response = await fetch(`${stack.cloudUrl}/api/query`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ path: "auth:getCurrentUser", args: {}, format: "json" }),
  });
  return await response.json();
}

function jwtClaims(jwt) {
  return JSON.parse(Buffer.from(jwt.split(".")[1], "base64url").toString("utf8"));
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

  const result = await convexQuery(cookies[name]);
  assert.equal(result.status, "success", JSON.stringify(result));
  assert.equal(result.value?.email, expected.email);
  assert.equal(result.value?.name, expected.name);
}

/** `method` of every form on the page: "post" keeps credentials out of URLs even if one is submitted without JS. */
async function formMethods() {
  return await page.locator("form").evaluateAll((forms) => forms.map((form) => form.method));
}

async function signIn(password) {
  await page.getByLabel("Email", { exact: true }).fill(EMAIL);
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
  await page.getByLabel("Name", { exact: true }).fill(NAME);
  await page.getByLabel("Email", { exact: true }).fill(EMAIL);
  await page.getByLabel("Password", { exact: true }).fill(OLD_PASSWORD);
  await page.getByRole("button", { name: "Sign up" }).click();
  await page.getByRole("heading", { name: `Signed in as ${NAME}` }).waitFor();
  await page.getByText(EMAIL).waitFor();
  assert.deepEqual(await formMethods(), ["post"], "the change-password form posts");
  await assertConvexJwtForCurrentSession({ email: EMAIL, name: NAME });
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
  await page.getByLabel("Current password", { exact: true }).fill(WRONG_PASSWORD);
  await page.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
  const [refused] = await Promise.all([
    page.waitForResponse(isAuthResponse("/change-password")),
    page.getByRole("button", { name: "Change password" }).click(),
  ]);
  assert.ok(refused.status() >= 400 && refused.status() < 500, `a 4xx, got ${refused.status()}`);
  expectedFailedLoads.push(refused.url());
  await page
    .getByRole("alert")
    .filter({ hasText: /password/i })
    .waitFor();

  await page.getByLabel("Current password", { exact: true }).fill(OLD_PASSWORD);
  await page.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
  await page.getByRole("button", { name: "Change password" }).click();
  await page.getByRole("status").filter({ hasText: "Password changed" }).waitFor();
  assert.equal(await page.getByRole("alert").count(), 0, "the old error is gone");
});

test("sign out, the old password fails, the new one signs in", async () => {
  await signOut();

  const [refused] = await Promise.all([page.waitForResponse(isAuthResponse("/sign-in/email")), signIn(OLD_PASSWORD)]);
  assert.equal(refused.status(), 401);
  expectedFailedLoads.push(refused.url());
  await page.getByRole("alert").waitFor();

  await signIn(NEW_PASSWORD);
  await page.getByRole("heading", { name: `Signed in as ${RENAMED}` }).waitFor();
  await assertConvexJwtForCurrentSession({ email: EMAIL, name: RENAMED });
  await signOut();
});

test("OAuth: denying consent comes back to the sign-in form with a message", async () => {
  await page.getByRole("button", { name: `Sign in with ${PROVIDER_NAME}` }).click();
  await page.waitForURL((url) => url.origin === provider.issuer && url.pathname === "/authorize");
  await page.getByRole("button", { name: "Deny" }).click();
  await page.waitForURL((url) => url.origin === stack.appUrl);
  await page.getByRole("alert").filter({ hasText: "Sign-in was cancelled at the provider." }).waitFor();
  assert.equal(new URL(page.url()).search, "", "the error parameter is removed from the address bar");
});

test("OAuth: provider, consent, callback on the Convex site, back to the app signed in with a convex_jwt", async () => {
  const visited = [];
  const onNavigation = (frame) => frame === page.mainFrame() && visited.push(frame.url());
  page.on("framenavigated", onNavigation);
  try {
    await page.getByRole("button", { name: `Sign in with ${PROVIDER_NAME}` }).click();
    await page.waitForURL((url) => url.origin === provider.issuer && url.pathname === "/authorize");
    await page.getByText(`as ${provider.user.name}`).waitFor();
    await page.getByRole("button", { name: "Allow" }).click();
    await page.getByRole("heading", { name: `Signed in as ${provider.user.name}` }).waitFor();
  } finally {
    page.off("framenavigated", onNavigation);
  }

  const authorize = new URL(visited.find((url) => url.startsWith(`${provider.issuer}/authorize`)));
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

test("no credentials in any URL, a clean browser console and clean server logs", async () => {
  // Late errors from the last sign-out would show up within this pause.
  await page.waitForTimeout(1500);

  const leaks = requestUrls.filter(
    (url) => PASSWORDS.some((password) => url.includes(password)) || /password=/i.test(url),
  );
  assert.deepEqual(leaks, []);

  const unexpected = consoleProblems.filter(
    (problem) =>
      !(
        /^Failed to load resource: the server responded with a status of 40[01]/.test(problem.text) &&
        expectedFailedLoads.includes(problem.url)
      ),
  );
  assert.deepEqual(unexpected, []);

  // The Convex function log (what `npx convex dev` shows) and the terminal of convex-local and Vite.
  const functionLog = convexLogs.text();
  const functionProblems = functionLog
    .split("\n")
    .filter((line) => /Uncaught|Server Error|UNAUTHENTICATED|\[ERROR\]|\[WARN\]/.test(line))
    // Better Auth's own note of the wrong password we signed in with on purpose.
    .filter(
      (line) =>
        !/H\(POST \/api\/auth\/sign-in\/email\)\] \[WARN\] '.* WARN \[Better Auth\]: Invalid password'$/.test(line),
    );
  assert.deepEqual(functionProblems, []);
  const terminal = stack.output();
  const terminalProblems = terminal
    .split("\n")
    .filter((line) => /UNAUTHENTICATED|Uncaught|\berror\b|\bwarn/i.test(line));
  assert.deepEqual(terminalProblems, []);
  for (const password of PASSWORDS) {
    assert.ok(!functionLog.includes(password) && !terminal.includes(password), "no password in the server logs");
  }
});
