/**
 * End to end: the examples/tanstack app (TanStack Start, production build
 * served by `vite preview`) against convex-local, in Debian's Chromium driven
 * by playwright-core, with one OAuth sign-in through a real OpenID Connect
 * provider on loopback (support/oauth-mock-provider.mjs).
 */
import assert from "node:assert/strict";
import { request as httpRequest } from "node:http";
import { after, before, test } from "node:test";
import { chromium } from "playwright-core";
import { startStack } from "../stack.mjs";
import { tailConvexLogs } from "../support/convex-logs.mjs";
import { startOAuthMockProvider } from "../support/oauth-mock-provider.mjs";

const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const NAME = "Ada Lovelace";
const EMAIL = `ada-${Date.now()}@example.com`;
const OLD_PASSWORD = "first-password-123";
const NEW_PASSWORD = "second-password-456";
const WRONG_PASSWORD = "not-my-password-789";
const NO_JS_NAME = "Charles Babbage";
const NO_JS_EMAIL = `charles-${Date.now()}@example.com`;
const NO_JS_PASSWORD = "difference-engine-1";
const PASSWORDS = [OLD_PASSWORD, NEW_PASSWORD, WRONG_PASSWORD, NO_JS_PASSWORD];
const PROVIDER_NAME = "Mock OIDC";

let provider;
let stack;
let convexLogs;
let browser;
let page;
/** Every request any browser context made, for the "no credentials in URLs" check. */
const requestUrls = [];
/** Console errors and warnings, and uncaught page errors. */
const consoleProblems = [];
/** Browser-logged failed loads we caused on purpose (wrong passwords), which are allowed. */
const expectedFailedLoads = [];
/** Responses of the app with a 5xx status. */
const serverErrors = [];

async function newContext(options = {}) {
  const context = await browser.newContext({ baseURL: stack.appUrl, ...options });
  context.setDefaultTimeout(30_000);
  context.setDefaultNavigationTimeout(60_000);
  context.on("request", (request) => requestUrls.push(request.url()));
  context.on(
    "response",
    (response) => response.status() >= 500 && serverErrors.push(`${response.status()} ${response.url()}`),
  );
  context.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning") {
      consoleProblems.push({ type: message.type(), text: message.text(), url: message.location().url });
    }
  });
  return context;
}

before(async () => {
  provider = await startOAuthMockProvider({ user: { name: "Grace Hopper" } });
  stack = await startStack({
    example: "tanstack",
    env: {
      // `vite build` + `vite preview`: one build, then no on-demand compiling or dependency re-optimizing reloads.
      START_MODE: "prod",
      OAUTH_ISSUER: provider.issuer,
      OAUTH_CLIENT_ID: provider.clientId,
      OAUTH_CLIENT_SECRET: provider.clientSecret,
      OAUTH_PROVIDER_NAME: PROVIDER_NAME,
    },
  });
  convexLogs = await tailConvexLogs({ cloudUrl: stack.cloudUrl, adminKey: stack.adminKey, cwd: "examples/tanstack" });
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
  const context = await newContext();
  page = await context.newPage();
  page.on("pageerror", (error) => consoleProblems.push({ type: "pageerror", text: String(error?.stack ?? error) }));
});

after(async () => {
  await browser?.close().catch(() => {});
  await convexLogs?.stop();
  await stack?.stop();
  await provider?.stop();
});

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
  await page.getByLabel("Name", { exact: true }).fill(NAME);
  await page.getByLabel("Email", { exact: true }).fill(EMAIL);
  await page.getByLabel("Password", { exact: true }).fill(OLD_PASSWORD);
  const [response] = await Promise.all([
    page.waitForResponse(isDashboardNavigation),
    page.getByRole("button", { name: "Sign up" }).click(),
  ]);
  assert.equal(response.status(), 200);
  assert.match(await response.text(), new RegExp(`<p data-testid="current-user">Signed in as ${NAME}</p>`));
  await page.getByText(`Signed in as ${NAME}`).waitFor();
});

test("a server function changes the password with the user's token (fetchAuthMutation); a wrong one is a message", async () => {
  await page.getByLabel("Current password", { exact: true }).fill(WRONG_PASSWORD);
  await page.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
  const [refused] = await Promise.all([
    page.waitForResponse(isServerFnResponse),
    page.getByRole("button", { name: "Change password" }).click(),
  ]);
  assert.equal(refused.status(), 200);
  assert.equal(refused.request().method(), "POST");
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

test("sign out, the old password fails, the new one signs in (rendered on the server)", async () => {
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL((url) => url.pathname === "/sign-in");
  await page.getByRole("heading", { name: "Sign in" }).waitFor();

  const [refused] = await Promise.all([
    page.waitForResponse((response) => new URL(response.url()).pathname === "/api/auth/sign-in/email"),
    signIn(page, EMAIL, OLD_PASSWORD),
  ]);
  assert.equal(refused.status(), 401);
  expectedFailedLoads.push(refused.url());
  await page.getByRole("alert").waitFor();
  assert.equal(new URL(page.url()).pathname, "/sign-in");

  const [response] = await Promise.all([
    page.waitForResponse(isDashboardNavigation),
    signIn(page, EMAIL, NEW_PASSWORD),
  ]);
  assert.match(await response.text(), new RegExp(`Signed in as ${NAME}`));
  await page.getByText(`Signed in as ${NAME}`).waitFor();
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
  const context = await newContext({ javaScriptEnabled: false });
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

    await signIn(noJs, NO_JS_EMAIL, WRONG_PASSWORD);
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
  const visited = [];
  const onNavigation = (frame) => frame === page.mainFrame() && visited.push(frame.url());
  page.on("framenavigated", onNavigation);
  let dashboard;
  try {
    await page.getByRole("button", { name: `Sign in with ${PROVIDER_NAME}` }).click();
    await page.waitForURL((url) => url.origin === provider.issuer && url.pathname === "/authorize");
    await page.getByText(`as ${provider.user.name}`).waitFor();
    [dashboard] = await Promise.all([
      page.waitForResponse(isDashboardNavigation),
      page.getByRole("button", { name: "Allow" }).click(),
    ]);
  } finally {
    page.off("framenavigated", onNavigation);
  }
  assert.match(await dashboard.text(), new RegExp(`Signed in as ${provider.user.name}`));
  await page.getByText(`Signed in as ${provider.user.name}`).waitFor();

  const authorize = new URL(visited.find((url) => url.startsWith(`${provider.issuer}/authorize`)));
  assert.equal(authorize.searchParams.get("redirect_uri"), `${stack.appUrl}/api/auth/callback/oidc`);
  assert.equal(authorize.searchParams.get("code_challenge_method"), "S256");

  const jwt = (await page.context().cookies()).find((cookie) => cookie.name.endsWith(".convex_jwt"));
  assert.ok(jwt, "a convex_jwt cookie for the OAuth session");
  const claims = jwtClaims(jwt.value);
  assert.equal(claims.iss, stack.siteUrl);
  assert.equal(claims.aud, "convex");
  const result = await convexQuery(jwt.value);
  assert.equal(result.status, "success", JSON.stringify(result));
  assert.equal(result.value?.email, provider.user.email);
  assert.equal(result.value?._id, claims.sub);

  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL((url) => url.pathname === "/sign-in");
});

test("no credentials in any URL, no 5xx, a clean browser console and clean server logs", async () => {
  // Late errors from the last sign-out would show up within this pause.
  await page.waitForTimeout(1500);

  const leaks = requestUrls.filter(
    (url) => PASSWORDS.some((password) => url.includes(password)) || /password=/i.test(url),
  );
  assert.deepEqual(leaks, []);
  assert.deepEqual(serverErrors, []);

  const unexpected = consoleProblems.filter(
    (problem) =>
      // The loopback provider's consent page is not the app (Chromium asks it for a favicon it lacks).
      !problem.url?.startsWith(`${provider.issuer}/`) &&
      !(
        /^Failed to load resource: the server responded with a status of 401/.test(problem.text) &&
        expectedFailedLoads.includes(problem.url)
      ),
  );
  assert.deepEqual(unexpected, []);

  // The Convex function log (what `npx convex dev` shows) and the terminal of convex-local and the app server.
  const functionLog = convexLogs.text();
  const functionProblems = functionLog
    .split("\n")
    .filter((line) => /Uncaught|Server Error|UNAUTHENTICATED|\[ERROR\]|\[WARN\]/.test(line))
    // Better Auth's note of each refused sign-in password, which this test caused on purpose.
    .filter(
      (line) =>
        !/\[CONVEX H\(POST \/api\/auth\/sign-in\/email\)\] \[WARN\] .*WARN \[Better Auth\]: Invalid password'$/.test(
          line,
        ),
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
