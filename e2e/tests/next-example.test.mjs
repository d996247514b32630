/**
 * End to end: the examples/next app (Next.js dev server) against convex-local,
 * in Debian's Chromium driven by playwright-core.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { chromium } from "playwright-core";
import { startStack } from "../stack.mjs";

const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const NAME = "Ada Lovelace";
const EMAIL = `ada-${Date.now()}@example.com`;
const OLD_PASSWORD = "first-password-123";
const NEW_PASSWORD = "second-password-456";

let stack;
let browser;
let page;

before(async () => {
  stack = await startStack();
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
  context.setDefaultTimeout(60_000);
  context.setDefaultNavigationTimeout(90_000);
  page = await context.newPage();
});

after(async () => {
  await browser?.close().catch(() => {});
  await stack?.stop();
});

const isDashboardNavigation = (response) =>
  new URL(response.url()).pathname === "/" && response.request().isNavigationRequest() && response.request().method() === "GET";

async function signIn(password) {
  await page.getByLabel("Email", { exact: true }).fill(EMAIL);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
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

test("sign up renders the dashboard on the server", async () => {
  await page.goto("/sign-up");
  await page.getByLabel("Name", { exact: true }).fill(NAME);
  await page.getByLabel("Email", { exact: true }).fill(EMAIL);
  await page.getByLabel("Password", { exact: true }).fill(OLD_PASSWORD);
  const [response] = await Promise.all([
    page.waitForResponse(isDashboardNavigation, { timeout: 90_000 }),
    page.getByRole("button", { name: "Sign up" }).click(),
  ]);
  assert.equal(response.status(), 200);
  assert.match(await response.text(), new RegExp(`Signed in as ${NAME}`));
  await page.getByText(`Signed in as ${NAME}`).waitFor();
});

test("a reload keeps the session", async () => {
  const response = await page.reload();
  assert.equal(new URL(page.url()).pathname, "/");
  assert.match(await response.text(), new RegExp(`Signed in as ${NAME}`));
  await page.getByText(`Signed in as ${NAME}`).waitFor();
});

test("a signed-in page stays signed in while /convex/token fails", async () => {
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
});

test("change the password through the server action", async () => {
  await page.getByLabel("Current password", { exact: true }).fill(OLD_PASSWORD);
  await page.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
  await page.getByRole("button", { name: "Change password" }).click();
  await page.getByRole("status").filter({ hasText: "Password changed" }).waitFor();
});

test("sign out, the old password fails, the new one signs in", async () => {
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL((url) => url.pathname === "/sign-in");

  await signIn(OLD_PASSWORD);
  await page.getByRole("alert").waitFor();
  assert.equal(new URL(page.url()).pathname, "/sign-in");

  const [response] = await Promise.all([page.waitForResponse(isDashboardNavigation, { timeout: 90_000 }), signIn(NEW_PASSWORD)]);
  assert.match(await response.text(), new RegExp(`Signed in as ${NAME}`));
  await page.getByText(`Signed in as ${NAME}`).waitFor();
});

test("revoking all sessions makes Convex queries unauthenticated and / redirects to /sign-in", async () => {
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

  await page.goto("/");
  assert.equal(new URL(page.url()).pathname, "/sign-in");
  await page.getByRole("button", { name: "Sign in" }).waitFor();
});
