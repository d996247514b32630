/**
 * The drop-in claim, end to end: a deployment made with
 * `@convex-dev/better-auth` 0.12.5 (better-auth 1.6) switches to
 * `convex-better-auth` by renaming the import specifiers only, redeploys
 * over its existing documents, and every user, session, JWT key and stored
 * user id keeps working.
 *
 * Before the swap every step must succeed (it is the prior art's own
 * behaviour, a failure there is a broken test setup). After the swap each
 * check is a subtest of its own, so one failure does not hide the others;
 * checks that need an earlier check's result are skipped when it failed.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify, type JWTPayload } from "jose";
import { swapToOurs, writePriorArtApp, type AppShape } from "./app-dir.ts";
import {
  getConvexToken,
  getSession,
  json,
  sessionCookieOf,
  signIn,
  signUp,
  SITE_URL,
  type AuthUserBody,
  type HttpAnswer,
  type SessionBody,
} from "./auth-http.ts";
import { runConvexCli } from "./convex-cli.ts";
import { runMutation, runQuery } from "./convex-calls.ts";
import { startConvexLocal, type ConvexLocal } from "./convex-local.ts";
import { PRIOR_ART_NODE_MODULES, WORKSPACE_NODE_MODULES } from "./paths.ts";

type UserDoc = { _id: string; email: string; bio?: string | null; [field: string]: unknown };
type SignedUp = { id: string; email: string; cookie: string };

/** What the prior art left behind, to compare against after the swap. */
type Before = {
  port: number;
  sitePort: number;
  user1: SignedUp;
  user2: SignedUp;
  /** The JWT /convex/token gave user 1 before the swap. */
  token: string;
  sub: string;
  sessionId: string;
  /** Header `kid`: the `_id` of the jwks row better-auth 1.6 wrote. */
  kid: string;
  profileId: string;
  /** getCurrentUser's answer before the swap: the prior art's user document. */
  userDoc: UserDoc;
};

const BIO = "bio written by better-auth 1.6";

function indent(text: string): string {
  const trimmed = text.trim();
  return trimmed.replace(/^/gm, "    ");
}

/**
 * What convex-local printed during a step (or its last lines when it printed
 * nothing meanwhile), and the function calls it logged (errors, console lines).
 */
async function convexLocalOutput(server: ConvexLocal, mark: number, sinceMs: number): Promise<string> {
  const during = server.outputSince(mark).trim();
  const last = server.recentOutput().trim().split("\n").slice(-20).join("\n");
  const printed =
    during !== ""
      ? `convex-local (pid ${server.pid}) printed during this step:\n${indent(during)}`
      : `convex-local (pid ${server.pid}) printed nothing during this step; its last lines:\n${indent(last || "(none)")}`;
  // A server that has exited (stopped) has no logs to give.
  const logs = await server.functionLogs(sinceMs);
  return `${printed}\n  convex-local's function log for this step:\n${indent(logs)}`;
}

function fail(message: string): never {
  throw new Error(message);
}

function expectEqual(actual: unknown, expected: unknown, what: string): void {
  if (actual !== expected) fail(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

/** Every field of the prior art's document, unchanged (fields it did not have may be added). */
function expectSameFields(actual: UserDoc, expected: UserDoc, what: string): void {
  // Both ways: no field lost, none changed, and none added (apps may test `"x" in user`).
  const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])];
  const differing = keys.filter((key) => JSON.stringify(actual[key]) !== JSON.stringify(expected[key]));
  if (differing.length > 0) {
    const show = (doc: UserDoc) =>
      JSON.stringify(Object.fromEntries(differing.map((key) => [key, doc[key] ?? "(absent)"])));
    fail(
      `${what} differs from the prior art's answer in ${differing.join(", ")}: expected ${show(expected)}, got ${show(actual)}`,
    );
  }
}

function userDoc(answer: unknown, what: string): UserDoc {
  const doc = answer as UserDoc | null;
  if (doc === null || typeof doc !== "object" || typeof doc._id !== "string")
    fail(`${what} answered ${JSON.stringify(answer)}, expected a user document with _id`);
  return doc;
}

function randomEmail(label: string): string {
  return `compat-${label}-${randomBytes(4).toString("hex")}@example.com`;
}

async function signUpUser(siteUrl: string, label: string, extra: Record<string, unknown>): Promise<SignedUp> {
  const email = randomEmail(label);
  const answer = await signUp(siteUrl, email, extra);
  const body = json<AuthUserBody>(answer);
  if (typeof body.user?.id !== "string" || body.user.email !== email)
    fail(`${answer.request} answered an unexpected body: ${answer.body}`);
  const cookie =
    sessionCookieOf(answer) ??
    fail(`${answer.request} set no session cookie (Set-Cookie: ${answer.cookies.join(" | ")})`);
  return { id: body.user.id, email, cookie };
}

function tokenOf(answer: HttpAnswer): string {
  const token = json<{ token?: unknown }>(answer).token;
  if (typeof token !== "string") fail(`${answer.request} answered no token: ${answer.body}`);
  return token;
}

async function verifyJwt(siteUrl: string, token: string, subject: string): Promise<JWTPayload> {
  // A fresh key set each time: what the deployment publishes now.
  const keys = createRemoteJWKSet(new URL(`${siteUrl}/api/auth/convex/jwks`), { timeoutDuration: 30_000 });
  try {
    const { payload } = await jwtVerify(token, keys, {
      algorithms: ["RS256"],
      audience: "convex",
      issuer: siteUrl,
      subject,
      requiredClaims: ["exp"],
    });
    return payload;
  } catch (error) {
    const jwks = await fetch(`${siteUrl}/api/auth/convex/jwks`, { signal: AbortSignal.timeout(30_000) }).then(
      async (r) => `${r.status} ${await r.text()}`,
      (e: Error) => e.message,
    );
    fail(
      `the JWT (header ${JSON.stringify(decodeProtectedHeader(token))}) does not verify against GET /api/auth/convex/jwks: ${(error as Error).message}\n  /api/auth/convex/jwks answered: ${jwks}`,
    );
  }
}

/**
 * Runs the whole scenario for one app shape. Stops every server it starts;
 * removes its temp dir unless something failed (then the path is reported).
 *
 * @example
 * test("local install", { timeout: 170_000 }, (t) => runSwapScenario(t, "local-install"));
 */
export async function runSwapScenario(t: TestContext, shape: AppShape): Promise<void> {
  const workDir = mkdtempSync(join(tmpdir(), `convex-better-auth-compat-${shape}-`));
  const appDir = join(workDir, "app");
  const dataDir = join(workDir, "data");
  const local = shape === "local-install";
  let server: ConvexLocal | undefined;
  let phase = "@convex-dev/better-auth 0.12.5";
  let failures = 0;

  /** Runs `run`; on failure rethrows with the step, the phase and what convex-local printed meanwhile. */
  async function step<T>(
    label: string,
    run: () => Promise<T> | T,
    header = `[${shape}, ${phase}] ${label}\n  `,
  ): Promise<T> {
    const mark = server?.mark() ?? 0;
    const startedAt = Date.now() - 1000;
    try {
      return await run();
    } catch (error) {
      failures += 1;
      const output = server ? `\n  ${await convexLocalOutput(server, mark, startedAt)}` : "";
      throw new Error(
        `${header}${(error as Error).message.replace(/\n/g, "\n  ")}${output}\n  (app and data kept in ${workDir})`,
        {
          cause: error,
        },
      );
    }
  }

  try {
    // ---- 1. The prior art's deployment.
    writePriorArtApp(shape, appDir, PRIOR_ART_NODE_MODULES);
    server = await step("start convex-local on a fresh data dir", () =>
      startConvexLocal({ dataDir, port: 0, sitePort: 0 }),
    );
    const deployed = server;
    await step("npx convex env set BETTER_AUTH_SECRET / SITE_URL", async () => {
      await runConvexCli(appDir, deployed, ["env", "set", "BETTER_AUTH_SECRET", randomBytes(32).toString("base64")]);
      await runConvexCli(appDir, deployed, ["env", "set", "SITE_URL", SITE_URL]);
    });
    await step("npx convex dev --once (prior art)", () =>
      runConvexCli(appDir, deployed, ["dev", "--once", "--typecheck", "disable", "--tail-logs", "disable"]),
    );
    const before = await step("sign up, get a JWT and write app data with the prior art", () =>
      usePriorArt(deployed, local),
    );

    // ---- 2. The swap: stop, rename the specifiers, restart on the same data.
    await server.stop();
    server = undefined;
    phase = "convex-better-auth (after the swap)";
    const changed = await step("rename the import specifiers", () => swapToOurs(appDir, WORKSPACE_NODE_MODULES));
    server = await step("restart convex-local on the same data dir and ports", () =>
      startConvexLocal({ dataDir, port: before.port, sitePort: before.sitePort }),
    );
    const ours = server;
    await step(
      `npx convex dev --once with convex-better-auth against the existing documents (swapped: ${JSON.stringify(changed)})`,
      () => runConvexCli(appDir, ours, ["dev", "--once", "--typecheck", "disable", "--tail-logs", "disable"]),
    );

    // ---- 3. What must still hold.
    const site = ours.siteUrl;
    const passed = new Set<string>();
    let newToken = "";
    const check = (key: string, label: string, needs: string[], run: () => Promise<void>) =>
      t.test(`${shape}: ${label}`, async (sub) => {
        const missing = needs.filter((need) => !passed.has(need));
        if (missing.length > 0) return sub.skip(`needs ${missing.join(", ")}, which failed`);
        await step(label, run, "");
        passed.add(key);
      });

    await check("session", "the old session cookie still works for /api/auth/get-session", [], async () => {
      const answer = await getSession(site, before.user1.cookie);
      const body = json<SessionBody>(answer);
      if (body === null) fail(`${answer.request} answered null: the pre-swap session is not found`);
      expectEqual(body.user.id, before.user1.id, "get-session user.id");
      expectEqual(body.session.userId, before.user1.id, "get-session session.userId");
      expectEqual(body.session.id, before.sessionId, "get-session session.id (the JWT's sessionId before the swap)");
    });
    await check(
      "token",
      "the old session cookie gets a JWT from /api/auth/convex/token with the same sub and sessionId",
      [],
      async () => {
        newToken = tokenOf(await getConvexToken(site, before.user1.cookie));
        const claims = decodeJwt(newToken);
        expectEqual(claims.sub, before.sub, "JWT sub");
        expectEqual(claims.sessionId, before.sessionId, "JWT sessionId");
      },
    );
    await check(
      "jwks",
      "the new JWT verifies against /api/auth/convex/jwks and is signed with the jwks row better-auth 1.6 wrote",
      ["token"],
      async () => {
        await verifyJwt(site, newToken, before.sub);
        expectEqual(
          decodeProtectedHeader(newToken).kid,
          before.kid,
          "JWT header kid (the pre-existing jwks row's _id)",
        );
      },
    );
    await check(
      "old-jwt",
      "a JWT the prior art issued before the swap still verifies and is accepted by getCurrentUser",
      [],
      async () => {
        await verifyJwt(site, before.token, before.sub);
        const doc = userDoc(
          await runQuery(ours.cloudUrl, "auth:getCurrentUser", {}, before.token),
          "auth:getCurrentUser (pre-swap JWT)",
        );
        expectEqual(doc._id, before.user1.id, "getCurrentUser _id");
      },
    );
    await check("current-user", "getCurrentUser with the new JWT returns the same user _id", ["token"], async () => {
      const doc = userDoc(await runQuery(ours.cloudUrl, "auth:getCurrentUser", {}, newToken), "auth:getCurrentUser");
      expectEqual(doc._id, before.user1.id, "getCurrentUser _id");
      expectEqual(doc.email, before.user1.email, "getCurrentUser email");
      if (local) expectEqual(doc.bio, BIO, "getCurrentUser bio (user.additionalFields)");
      expectSameFields(doc, before.userDoc, "getCurrentUser's user document");
    });
    await check(
      "profile",
      "the user id an app table stored resolves through authComponent.getAnyUserById",
      [],
      async () => {
        const answer = (await runQuery(ours.cloudUrl, "profiles:profileOwner", { profileId: before.profileId })) as {
          profile: { userId: string };
          user: unknown;
        } | null;
        if (answer === null) fail("profiles:profileOwner found no profiles row");
        expectEqual(answer.profile.userId, before.user1.id, "profiles.userId");
        const doc = userDoc(answer.user, "authComponent.getAnyUserById(ctx, profiles.userId)");
        expectEqual(doc._id, before.user1.id, "getAnyUserById _id");
        expectEqual(doc.email, before.user1.email, "getAnyUserById email");
        expectSameFields(doc, before.userDoc, "getAnyUserById's user document");
      },
    );
    if (local) {
      await check(
        "component-query",
        'a local component query (ctx.db.get(v.id("user"))) run from the app returns the user',
        [],
        async () => {
          const doc = userDoc(
            await runQuery(ours.cloudUrl, "componentUsers:getUserViaComponent", { userId: before.user1.id }),
            "componentUsers:getUserViaComponent",
          );
          expectEqual(doc._id, before.user1.id, "getUser _id");
          expectEqual(doc.bio, BIO, "getUser bio");
          expectSameFields(doc, before.userDoc, "the component's user document");
        },
      );
    }
    await check("sign-in", "the existing user signs in with the existing password", [], async () => {
      const answer = await signIn(site, before.user1.email);
      expectEqual(json<AuthUserBody>(answer).user.id, before.user1.id, `${answer.request} user.id`);
      if (sessionCookieOf(answer) === undefined) fail(`${answer.request} set no session cookie`);
    });
    await check("sign-in-2", "the second user signs in", [], async () => {
      const answer = await signIn(site, before.user2.email);
      expectEqual(json<AuthUserBody>(answer).user.id, before.user2.id, `${answer.request} user.id`);
    });
    await check("sign-up", "a brand-new user signs up, gets a JWT, and the app sees them", [], async () => {
      const fresh = await signUpUser(site, "after-swap", local ? { bio: "new bio" } : {});
      const token = tokenOf(await getConvexToken(site, fresh.cookie));
      await verifyJwt(site, token, fresh.id);
      const doc = userDoc(
        await runQuery(ours.cloudUrl, "auth:getCurrentUser", {}, token),
        "auth:getCurrentUser (new user)",
      );
      expectEqual(doc._id, fresh.id, "getCurrentUser _id (new user)");
      if (local) expectEqual(doc.bio, "new bio", "getCurrentUser bio (new user)");
      const profileId = await runMutation(
        ours.cloudUrl,
        "profiles:saveProfile",
        { note: "written after the swap" },
        token,
      );
      const owner = (await runQuery(ours.cloudUrl, "profiles:profileOwner", { profileId })) as { user: unknown } | null;
      expectEqual(
        userDoc(owner?.user ?? null, "profiles:profileOwner (new user)")._id,
        fresh.id,
        "getAnyUserById _id (new user)",
      );
    });
  } finally {
    await server?.stop();
    if (failures === 0) rmSync(workDir, { recursive: true, force: true });
  }
}

/** Step 2 of the scenario, on the prior art: the data and tokens the swap must keep working. */
async function usePriorArt(server: ConvexLocal, local: boolean): Promise<Before> {
  const site = server.siteUrl;
  const user1 = await signUpUser(site, "first", local ? { bio: BIO } : {});
  const user2 = await signUpUser(site, "second", {});

  const token = tokenOf(await getConvexToken(site, user1.cookie));
  const claims = await verifyJwt(site, token, user1.id);
  if (typeof claims.sessionId !== "string") fail(`the prior art's JWT has no sessionId: ${JSON.stringify(claims)}`);
  const kid = decodeProtectedHeader(token).kid ?? fail("the prior art's JWT has no kid");

  const doc = userDoc(await runQuery(server.cloudUrl, "auth:getCurrentUser", {}, token), "auth:getCurrentUser");
  expectEqual(doc._id, user1.id, "getCurrentUser _id");

  const profileId = await runMutation(
    server.cloudUrl,
    "profiles:saveProfile",
    { note: "written by the prior art" },
    token,
  );
  if (typeof profileId !== "string") fail(`profiles:saveProfile answered ${JSON.stringify(profileId)}`);
  const owner = (await runQuery(server.cloudUrl, "profiles:profileOwner", { profileId })) as { user: unknown } | null;
  expectEqual(userDoc(owner?.user ?? null, "profiles:profileOwner")._id, user1.id, "getAnyUserById _id");

  if (local) {
    const viaComponent = userDoc(
      await runQuery(server.cloudUrl, "componentUsers:getUserViaComponent", { userId: user1.id }),
      "componentUsers:getUserViaComponent",
    );
    expectEqual(viaComponent.bio, BIO, "getUser bio");
  }

  // The premise of the jwks check: one key, written by better-auth 1.6 without `alg`.
  const rows = (await runQuery(server.cloudUrl, "premise:jwksRowFields", {})) as { _id: string; fields: string[] }[];
  if (rows.length !== 1 || rows[0]!._id !== kid || rows[0]!.fields.includes("alg")) {
    fail(`expected one jwks row ${kid} without alg, found ${JSON.stringify(rows)}`);
  }

  return {
    port: server.port,
    sitePort: server.sitePort,
    user1,
    user2,
    token,
    sub: claims.sub!,
    sessionId: claims.sessionId,
    kid,
    profileId,
    userDoc: doc,
  };
}
