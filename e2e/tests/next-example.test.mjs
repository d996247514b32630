/**
 * End to end: the examples/next app (Next.js dev server) against convex-local,
 * in Debian's Chromium driven by playwright-core, with one OAuth sign-in
 * through a real OpenID Connect provider on loopback
 * (support/oauth-mock-provider.mjs). Besides what each step shows, it checks
 * the browser console, the Next.js terminal and the Convex function log
 * (`npx convex logs`) stay clean, and that no password reaches a URL or a log.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { after, before, test } from "node:test";
import { chromium } from "playwright-core";
import { REPO, startStack } from "../stack.mjs";
import { tailConvexLogs } from "../support/convex-logs.mjs";
import { startOAuthMockProvider } from "../support/oauth-mock-provider.mjs";

const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const NAME = "Ada Lovelace";
const EMAIL = `ada-${Date.now()}@example.com`;
const OLD_PASSWORD = "first-password-123";
const NEW_PASSWORD = "second-password-456";
const WRONG_PASSWORD = "not-my-password-789";
const NO_JS_EMAIL = `babbage-${Date.now()}@example.com`;
const NO_JS_PASSWORD = "no-script-password-321";
const PASSWORDS = [OLD_PASSWORD, NEW_PASSWORD, WRONG_PASSWORD, NO_JS_PASSWORD];
const PROVIDER_NAME = "Mock OIDC";

let provider;
let stack;
let convexLogs;
let browser;
let context;
let page;
/** Every request any page made, for the "no credentials in URLs" check. */
const requestUrls = [];
/** Console errors and warnings, and uncaught page errors, of every page. */
const consoleProblems = [];
/** Loads that fail on purpose (aborted token requests, the 421 page), allowed in the console. */
const expectedFailedLoads = new Set();

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Watches a browser context: its requests and its console. */
function watch(browserContext) {
  browserContext.setDefaultTimeout(60_000);
  browserContext.setDefaultNavigationTimeout(90_000);
  browserContext.on("request", (request) => requestUrls.push(request.url()));
  browserContext.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning") {
      consoleProblems.push({ type: message.type(), text: message.text(), url: message.location().url });
    }
  });
  browserContext.on("page", (opened) =>
    opened.on("pageerror", (error) => consoleProblems.push({ type: "pageerror", text: String(error?.stack ?? error) })),
  );
  return browserContext;
}

/** `npx convex env set`, as a developer configures the deployment. */
async function convexEnvSet(name, value) {
  const env = { ...process.env, CONVEX_SELF_HOSTED_URL: stack.cloudUrl, CONVEX_SELF_HOSTED_ADMIN_KEY: stack.adminKey };
  delete env.CONVEX_DEPLOYMENT;
  delete env.CONVEX_DEPLOY_KEY;
  await promisify(execFile)(
    process.execPath,
    [path.join(REPO, "node_modules/convex/bin/main.js"), "env", "set", name, value],
    {
      cwd: path.join(REPO, "examples/next"),
      env,
    },
  );
}

before(async () => {
  provider = await startOAuthMockProvider({ user: { name: "Grace Hopper" } });
  stack = await startStack();
  // The deployment's OpenID Connect provider (convex/auth.ts reads these).
  await convexEnvSet("OAUTH_ISSUER", provider.issuer);
  await convexEnvSet("OAUTH_CLIENT_ID", provider.clientId);
  await convexEnvSet("OAUTH_CLIENT_SECRET", provider.clientSecret);
  await convexEnvSet("OAUTH_PROVIDER_NAME", PROVIDER_NAME);
  convexLogs = await tailConvexLogs({ cloudUrl: stack.cloudUrl, adminKey: stack.adminKey, cwd: "examples/next" });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  context = watch(await browser.newContext({ baseURL: stack.appUrl }));
  page = await context.newPage();
});

after(async () => {
  await browser?.close().catch(() => {});
  await convexLogs?.stop();
  await stack?.stop();
  await provider?.stop();
});

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

async function signIn(password, target = page, email = EMAIL) {
  if (target === page) await hydrated(target);
  await target.getByLabel("Email", { exact: true }).fill(email);
  await target.getByLabel("Password", { exact: true }).fill(password);
  await target.getByRole("button", { name: "Sign in", exact: true }).click();
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
  const result = await convexQuery(cookie.value);
  assert.equal(result.status, "success", JSON.stringify(result));
  assert.equal(result.value?.email, expected.email);
  assert.equal(result.value?.name, expected.name);
}

/** Waits until the Convex log tail has been quiet for a moment (its long poll delivers late lines). */
async function convexLogsSettled() {
  let length = -1;
  for (let i = 0; i < 20 && convexLogs.text().length !== length; i++) {
    length = convexLogs.text().length;
    await new Promise((resolve) => setTimeout(resolve, 400));
  }
}

/** Where the server logs are now, to check a step's share of them. */
function logMarks() {
  return { terminal: stack.output().length, convex: convexLogs.text().length, console: consoleProblems.length };
}

// Better Auth's own warning about a sign-in with a wrong password (made on purpose below).
const WRONG_PASSWORD_WARNING = /\[WARN\] '.*\[Better Auth\]: Invalid password'/;

/** The Next.js terminal, the Convex function log and the browser console since `marks`: nothing wrong in them. */
async function assertCleanSince(marks, { allow = [] } = {}) {
  await convexLogsSettled();
  const terminalSince = stack.output().slice(marks.terminal);
  const terminal = terminalSince
    .split("\n")
    .filter((line) => /⨯|⚠|Error|Uncaught|UNAUTHENTICATED|\[browser\]| 5\d\d in /.test(line));
  assert.deepEqual(
    terminal,
    [],
    `the terminal (Next.js, and convex-local echoing function logs):\n${terminalSince.slice(-6000)}`,
  );
  const functionLog = convexLogs
    .text()
    .slice(marks.convex)
    .split("\n")
    .filter((line) => /Uncaught|Server Error|UNAUTHENTICATED|\[ERROR\]|\[WARN\]|failure/i.test(line))
    .filter((line) => !allow.some((pattern) => pattern.test(line)));
  assert.deepEqual(functionLog, [], "the Convex function log");
  const browserConsole = consoleProblems
    .slice(marks.console)
    .filter((problem) => !(problem.text.startsWith("Failed to load resource") && expectedFailedLoads.has(problem.url)));
  assert.deepEqual(browserConsole, [], "the browser console");
}

test("before hydration the forms post to server actions: sign up, a wrong password, sign out, sign in", async () => {
  const marks = logMarks();
  // No JavaScript: what a form does when it is submitted before hydration.
  const noScript = watch(await browser.newContext({ baseURL: stack.appUrl, javaScriptEnabled: false }));
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

    await tab.getByLabel("Current password", { exact: true }).fill(WRONG_PASSWORD);
    await tab.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
    const [refused] = await Promise.all([
      tab.waitForResponse(
        (response) => response.request().method() === "POST" && response.request().isNavigationRequest(),
      ),
      tab.getByRole("button", { name: "Change password" }).click(),
    ]);
    assert.equal(refused.status(), 200, "the page comes back with the form's message, not a 500");
    await alerts(tab).filter({ hasText: "Invalid password" }).waitFor();

    await tab.getByRole("button", { name: "Sign out" }).click();
    await tab.getByRole("heading", { name: "Sign in" }).waitFor();
    assert.equal(new URL(tab.url()).pathname, "/sign-in");

    await signIn(WRONG_PASSWORD, tab, NO_JS_EMAIL);
    await alerts(tab)
      .filter({ hasText: /invalid email or password/i })
      .waitFor();
    await signIn(NO_JS_PASSWORD, tab, NO_JS_EMAIL);
    await tab.getByText("Signed in as Charles Babbage").waitFor();
  } finally {
    await noScript.close();
  }
  assert.ok(formPosts.length >= 5, `every submission was a POST: ${formPosts.join(", ")}`);
  await assertCleanSince(marks, { allow: [WRONG_PASSWORD_WARNING] });
});

test("sign up renders the dashboard on the server", async () => {
  const marks = logMarks();
  await page.goto("/sign-up");
  await hydrated();
  await page.getByLabel("Name", { exact: true }).fill(NAME);
  await page.getByLabel("Email", { exact: true }).fill(EMAIL);
  await page.getByLabel("Password", { exact: true }).fill(OLD_PASSWORD);
  const [response] = await Promise.all([
    page.waitForResponse(isDashboardNavigation, { timeout: 90_000 }),
    page.getByRole("button", { name: "Sign up", exact: true }).click(),
  ]);
  assert.equal(response.status(), 200);
  assert.match(await response.text(), new RegExp(`Signed in as ${NAME}`));
  await page.getByText(`Signed in as ${NAME}`).waitFor();
  await assertCleanSince(marks);
});

test("a reload keeps the session", async () => {
  const response = await page.reload();
  assert.equal(new URL(page.url()).pathname, "/");
  assert.match(await response.text(), new RegExp(`Signed in as ${NAME}`));
  await page.getByText(`Signed in as ${NAME}`).waitFor();
});

test("a signed-in page stays signed in while /convex/token fails", async () => {
  const tokenUrl = `${stack.appUrl}/api/auth/convex/token`;
  expectedFailedLoads.add(tokenUrl);
  await page.route("**/convex/token", (route) => route.abort());
  try {
    await page.reload();
    await page.getByText(`Signed in as ${NAME}`).waitFor();
    await page.waitForTimeout(4000);
    assert.equal(await page.getByText(`Signed in as ${NAME}`).count(), 1);
    assert.equal(await page.getByText("Not signed in").count(), 0);
  } finally {
    await page.unroute("**/convex/token");
  }
  await page.waitForTimeout(2000);
  assert.equal(await page.getByText(`Signed in as ${NAME}`).count(), 1);
  assert.equal(new URL(page.url()).pathname, "/");
  // Reloaded once more: the token requests aborted above are over.
  await page.reload();
  await page.getByText(`Signed in as ${NAME}`).waitFor();
  expectedFailedLoads.delete(tokenUrl);
});

test("change password: a wrong current password is a message in the form, then the right one works", async () => {
  const marks = logMarks();
  await hydrated();
  await page.getByLabel("Current password", { exact: true }).fill(WRONG_PASSWORD);
  await page.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
  const [refused] = await Promise.all([
    page.waitForResponse(
      (response) => response.request().method() === "POST" && new URL(response.url()).pathname === "/",
    ),
    page.getByRole("button", { name: "Change password" }).click(),
  ]);
  assert.ok(refused.status() < 500, `not a server error: ${refused.status()}`);
  await alerts().filter({ hasText: "Invalid password" }).waitFor();

  await page.getByLabel("Current password", { exact: true }).fill(OLD_PASSWORD);
  await page.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
  await page.getByRole("button", { name: "Change password" }).click();
  await page.getByRole("status").filter({ hasText: "Password changed" }).waitFor();
  assert.equal(await alerts().count(), 0, "the old error is gone");
  await assertCleanSince(marks);
});

test("sign out stops the page's Convex queries first and is quiet; the old password fails, the new one signs in", async () => {
  const marks = logMarks();
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
    await page.getByText(`Signed in as ${NAME}`).waitFor();
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
  await assertCleanSince(marks);

  const wrongMarks = logMarks();
  await signIn(OLD_PASSWORD);
  await alerts()
    .filter({ hasText: /invalid email or password/i })
    .waitFor();
  assert.equal(new URL(page.url()).pathname, "/sign-in");
  expectedFailedLoads.add(`${stack.appUrl}/api/auth/sign-in/email`);
  await assertCleanSince(wrongMarks, { allow: [WRONG_PASSWORD_WARNING] });
  expectedFailedLoads.delete(`${stack.appUrl}/api/auth/sign-in/email`);

  const [response] = await Promise.all([
    page.waitForResponse(isDashboardNavigation, { timeout: 90_000 }),
    signIn(NEW_PASSWORD),
  ]);
  assert.match(await response.text(), new RegExp(`Signed in as ${NAME}`));
  await page.getByText(`Signed in as ${NAME}`).waitFor();
  await assertConvexJwtForCurrentSession({ email: EMAIL, name: NAME });
});

test("revoking all sessions makes Convex queries unauthenticated and the open dashboard goes to /sign-in", async () => {
  const marks = logMarks();
  const tokenResponse = await page.request.get("/api/auth/convex/token");
  assert.equal(tokenResponse.status(), 200);
  const { token } = await tokenResponse.json();
  assert.ok(token, "a Convex JWT for the signed-in session");

  const before = await convexQuery(token);
  assert.equal(before.status, "success", JSON.stringify(before));
  assert.equal(before.value?.name, NAME);

  const revoke = await page.request.post("/api/auth/revoke-sessions", {
    data: {},
    headers: { origin: stack.appUrl },
  });
  assert.equal(revoke.status(), 200, await revoke.text());

  const afterRevoke = await convexQuery(token);
  const unauthenticated = afterRevoke.status === "error" || afterRevoke.value == null;
  assert.ok(unauthenticated, `expected no user after revoking, got ${JSON.stringify(afterRevoke)}`);

  const stale = await page.request.get("/api/auth/convex/token");
  assert.notEqual(stale.status(), 200, "no new Convex token for a revoked session");

  // The live query saw the session go: the open page leaves for /sign-in by itself.
  await page.waitForURL((url) => url.pathname === "/sign-in");
  await page.getByRole("button", { name: "Sign in", exact: true }).waitFor();
  await page.goto("/");
  assert.equal(new URL(page.url()).pathname, "/sign-in");
  await assertCleanSince(marks);
});

test("opened on 127.0.0.1, the app moves to SITE_URL's origin and signing in works there", async () => {
  const marks = logMarks();
  const appUrl = new URL(stack.appUrl);
  const [redirect] = await Promise.all([
    page.waitForResponse((response) => new URL(response.url()).hostname === "127.0.0.1"),
    page.goto(`http://127.0.0.1:${appUrl.port}/sign-in?from=loopback`),
  ]);
  assert.equal(redirect.status(), 307);
  assert.equal(page.url(), `${stack.appUrl}/sign-in?from=loopback`);
  await signIn(NEW_PASSWORD);
  await page.getByText(`Signed in as ${NAME}`).waitFor();
  await signOut();
  await assertCleanSince(marks);
});

test("opened on a LAN address, the app says which URL to use", async (t) => {
  const lan = Object.values(os.networkInterfaces())
    .flat()
    .find((address) => address && address.family === "IPv4" && !address.internal);
  if (!lan) return t.skip("no LAN address on this machine");
  const marks = logMarks();
  const opened = `http://${lan.address}:${new URL(stack.appUrl).port}`;
  const tab = await context.newPage();
  try {
    const response = await tab.goto(`${opened}/sign-in`);
    // The page itself is the one failed load the console may show.
    expectedFailedLoads.add(`${opened}/sign-in`);
    assert.equal(response.status(), 421);
    await tab.getByRole("heading", { name: `Open this app at ${stack.appUrl}` }).waitFor();
    assert.equal(
      await tab.getByRole("link", { name: `Continue to ${stack.appUrl}/sign-in` }).getAttribute("href"),
      `${stack.appUrl}/sign-in`,
    );
    assert.match(await tab.locator("body").innerText(), /SITE_URL/);
  } finally {
    await tab.close();
  }
  await assertCleanSince(marks);
});

test("OAuth: denying consent comes back to the sign-in form with a message", async () => {
  const marks = logMarks();
  await page.goto("/sign-in");
  await page.getByRole("button", { name: `Sign in with ${PROVIDER_NAME}` }).click();
  await page.waitForURL((url) => url.origin === provider.issuer && url.pathname === "/authorize");
  await page.getByRole("button", { name: "Deny" }).click();
  await page.waitForURL((url) => url.origin === stack.appUrl && url.pathname === "/sign-in");
  await alerts().filter({ hasText: "The sign-in was cancelled at the provider." }).waitFor();
  await assertCleanSince(marks);
});

test("OAuth: provider, consent, callback through /api/auth to the Convex site, back to the app signed in with a convex_jwt", async () => {
  const marks = logMarks();
  const visited = [];
  const onNavigation = (frame) => frame === page.mainFrame() && visited.push(frame.url());
  page.on("framenavigated", onNavigation);
  try {
    await page.getByRole("button", { name: `Sign in with ${PROVIDER_NAME}` }).click();
    await page.waitForURL((url) => url.origin === provider.issuer && url.pathname === "/authorize");
    await page.getByText(`as ${provider.user.name}`).waitFor();
    await page.getByRole("button", { name: "Allow" }).click();
    await page.getByText(`Signed in as ${provider.user.name}`).waitFor();
  } finally {
    page.off("framenavigated", onNavigation);
  }
  const authorize = new URL(visited.find((url) => url.startsWith(`${provider.issuer}/authorize`)));
  assert.equal(authorize.searchParams.get("redirect_uri"), `${stack.appUrl}/api/auth/callback/oidc`);
  assert.equal(new URL(page.url()).pathname, "/");
  await assertConvexJwtForCurrentSession({ email: provider.user.email, name: provider.user.name });

  await signOut();
  await assertCleanSince(marks);
});

test("no password in any URL or server log, and no uncaught error anywhere", async () => {
  await page.waitForTimeout(1000);
  const leaks = requestUrls.filter(
    (url) => PASSWORDS.some((password) => url.includes(password)) || /password=/i.test(url),
  );
  assert.deepEqual(leaks, []);
  await convexLogsSettled();
  const logs = [stack.output(), convexLogs.text()];
  for (const password of PASSWORDS) {
    assert.ok(!logs.some((log) => log.includes(password)), "no password in the Next.js terminal or the Convex log");
  }
  assert.deepEqual(
    consoleProblems.filter((problem) => problem.type === "pageerror"),
    [],
  );
});
