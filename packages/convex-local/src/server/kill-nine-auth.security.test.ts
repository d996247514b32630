/**
 * `kill -9` of convex-local during a burst of Better Auth sign-ups. The app
 * is the seed guide's Convex code (packages/convex-better-auth's
 * `src/test-utils/seed-app`), pushed with the real CLI; sign-ups go over the
 * site port (`POST /api/auth/sign-up/email`). After a restart on the same
 * data dir every acknowledged sign-up must still have its user and its
 * credential account.
 */
import type { ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { ConvexHttpClient } from "convex/browser";
import { anyApi } from "convex/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildConvexLocal, startConvexLocalProcess, type ConvexLocalProcess } from "../test-fixtures/convex-local-process.ts";
import { PACKAGE_DIR, REPO_DIR, ensureBetterAuthBuilt, makeScratchDir, pushOnce } from "../test-fixtures/cli-harness.ts";

const SEED_APP = path.join(REPO_DIR, "packages/convex-better-auth/src/test-utils/seed-app");
const ORIGIN = "http://localhost:3000";
const TOTAL = 30;
const KILL_AFTER_ACKS = 8;

// Reads the component's tables through its own adapter functions; written
// next to the seed's files in the scratch copy only.
const INSPECT = `import { query } from "./_generated/server";
import { components } from "./_generated/api";
import { v } from "convex/values";

// One paginated read per query (a Convex limit): one query per model.
export const rows = query({
  args: { model: v.union(v.literal("user"), v.literal("account")) },
  handler: async (ctx, { model }) =>
    (await ctx.runQuery(components.betterAuth.adapter.findMany, { model, limit: 1000 })).page,
});
`;

let scratch: { dir: string; cleanup(): Promise<void> };
const children: ChildProcess[] = [];

beforeAll(async () => {
  ensureBetterAuthBuilt();
  if (!existsSync(path.join(PACKAGE_DIR, "dist/cli.js"))) buildConvexLocal();
  scratch = await makeScratchDir();
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await scratch?.cleanup();
});


type Rows = { users: Record<string, unknown>[]; accounts: Record<string, unknown>[] };
let after: Rows | undefined;
let acked: string[] = [];
let restarted: ConvexLocalProcess | undefined;

describe("kill -9 during a burst of Better Auth sign-ups", () => {
  it("keeps every acknowledged user, with its account, after a restart", async () => {
    const appDir = path.join(scratch.dir, "app");
    await mkdir(appDir, { recursive: true });
    await cp(SEED_APP, path.join(appDir, "convex"), { recursive: true });
    await writeFile(path.join(appDir, "convex/inspect.ts"), INSPECT);
    await writeFile(
      path.join(appDir, "package.json"),
      JSON.stringify({ name: "kill-nine-auth-app", private: true, type: "module", dependencies: { convex: "1.49.0", "convex-better-auth": "*" } }),
    );
    const dataDir = path.join(scratch.dir, "data");
    const first = await startConvexLocalProcess(dataDir, children);
    const env = await fetch(`${first.cloudUrl}/api/update_environment_variables`, {
      method: "POST",
      headers: { authorization: `Convex ${first.adminKey}`, "content-type": "application/json" },
      body: JSON.stringify({
        changes: [
          { name: "SITE_URL", value: ORIGIN },
          { name: "BETTER_AUTH_SECRET", value: "kill-nine-auth-secret-0123456789abcdef" },
        ],
      }),
    });
    expect(env.status).toBe(200);
    await pushOnce(appDir, first);

    const exited = new Promise((resolve) => first.child.once("exit", resolve));
    acked = [];
    const burst = Array.from({ length: TOTAL }, (_, i) => {
      const email = `burst${i}@example.com`;
      return fetch(`${first.siteUrl}/api/auth/sign-up/email`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: ORIGIN },
        body: JSON.stringify({ name: `Burst ${i}`, email, password: "correct horse 1" }),
      }).then(
        (response) => {
          if (response.status !== 200) return;
          acked.push(email);
          if (acked.length === KILL_AFTER_ACKS) first.child.kill("SIGKILL");
        },
        () => undefined,
      );
    });
    await Promise.all(burst);
    await exited;
    expect(acked.length).toBeGreaterThanOrEqual(KILL_AFTER_ACKS);

    const second = await startConvexLocalProcess(dataDir, children);
    const reader = new ConvexHttpClient(second.cloudUrl, { logger: false });
    after = {
      users: (await reader.query(anyApi.inspect.rows, { model: "user" })) as Rows["users"],
      accounts: (await reader.query(anyApi.inspect.rows, { model: "account" })) as Rows["accounts"],
    };
    const userByEmail = new Map(after.users.map((u) => [u.email as string, u]));
    const accountUserIds = new Set(after.accounts.filter((a) => a.providerId === "credential").map((a) => a.userId as string));
    for (const email of acked) {
      const user = userByEmail.get(email);
      expect(user, `acknowledged sign-up ${email}`).toBeDefined();
      expect(accountUserIds.has(user!.id as string), `account of ${email}`).toBe(true);
    }
    // Still serving: sign-in of an acknowledged user works after the restart.
    const signIn = await fetch(`${second.siteUrl}/api/auth/sign-in/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: ORIGIN },
      body: JSON.stringify({ email: acked[0], password: "correct horse 1" }),
    });
    expect(signIn.status).toBe(200);
    restarted = second;
  });

  it("then answers bad input with a 4xx and keeps serving", async () => {
    expect(restarted, "the crash test ran").toBeDefined();
    const { cloudUrl, siteUrl } = restarted!;
    const post = (url: string, body: string) =>
      fetch(url, { method: "POST", headers: { "content-type": "application/json", origin: ORIGIN }, body });
    const results: Record<string, { status: number; body: string }> = {};
    const record = async (name: string, response: Promise<Response>) => {
      const r = await response;
      results[name] = { status: r.status, body: await r.text() };
    };
    await record("site malformed JSON", post(`${siteUrl}/api/auth/sign-up/email`, '{"email": "x@example.com", "password": '));
    await record("site wrong types", post(`${siteUrl}/api/auth/sign-up/email`, JSON.stringify({ name: 1, email: 2, password: [3] })));
    await record("site unknown route", post(`${siteUrl}/api/auth/no-such-route`, "{}"));
    await record("cloud malformed JSON", post(`${cloudUrl}/api/query`, "{not json"));
    // Function-level errors keep Convex's protocol: HTTP 200 with status "error".
    const unknown = await post(`${cloudUrl}/api/query`, JSON.stringify({ path: "inspect:nope", args: {} }));
    expect(unknown.status).toBe(200);
    expect(await unknown.json()).toMatchObject({ status: "error", errorMessage: expect.stringContaining("Could not find function") });
    await record("cloud bad token", fetch(`${cloudUrl}/api/query`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer not.a.jwt" },
      body: JSON.stringify({ path: "auth:getCurrentUser", args: {} }),
    }));
    for (const [name, { status }] of Object.entries(results)) {
      expect(status, name).toBeGreaterThanOrEqual(400);
      expect(status, name).toBeLessThan(500);
    }
    // Argument validation errors keep Convex's protocol too.
    const badArgs = await post(`${cloudUrl}/api/query`, JSON.stringify({ path: "inspect:rows", args: { model: 5 } }));
    expect(badArgs.status).toBe(200);
    expect(await badArgs.json()).toMatchObject({ status: "error", errorMessage: expect.stringMatching(/ArgumentValidationError|Validator error/) });
  });

  // Regression: nothing bounded user-supplied field sizes. A 2 MB `name` was
  // stored and came back in Set-Cookie (the convex_jwt cookie held the name
  // claim, ~2.8 MB): a header fetch refuses (UND_ERR_HEADERS_OVERFLOW) and
  // browsers drop. registerRoutes now answers 413 before any write.
  it("a 2 MB name is refused with a 4xx", async () => {
    expect(restarted, "the restarted server from the previous test").toBeDefined();
    const { siteUrl } = restarted!;
    const big = await fetch(`${siteUrl}/api/auth/sign-up/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: ORIGIN },
      body: JSON.stringify({ name: "x".repeat(2 * 1024 * 1024), email: "big@example.com", password: "correct horse 1" }),
    });
    expect(big.status).toBeGreaterThanOrEqual(400);
    expect(big.status).toBeLessThan(500);
  });

  it("keeps serving, then stops cleanly", async () => {
    const { cloudUrl, child } = restarted!;
    // Still serving.
    const reader = new ConvexHttpClient(cloudUrl, { logger: false });
    expect(((await reader.query(anyApi.inspect.rows, { model: "user" })) as unknown[]).length).toBeGreaterThan(0);
    const stopped = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await stopped).toBe(0);
  });

  // KNOWN GAP (reported): a Better Auth sign-up is two component mutations
  // from one HTTP action, user then account, and the adapter runs Better
  // Auth's transaction callback without a transaction
  // (packages/convex-better-auth/src/client/adapter.ts, \`transaction: false\`).
  // A kill -9 between the two commits leaves a user with no account (its
  // email is then taken, and sign-in fails). The window is a few ms inside a
  // sign-up dominated by password hashing, so a kill rarely lands in it: the
  // check passes by chance and would flake. Skipped until sign-up is atomic;
  // enable it to check a run by hand.
  it.skip("leaves no user without an account", () => {
    expect(after, "the crash test ran").toBeDefined();
    const accountUserIds = new Set(after!.accounts.map((a) => a.userId as string));
    const orphans = after!.users.filter((u) => !accountUserIds.has(u.id as string)).map((u) => u.email);
    expect(orphans).toEqual([]);
  });
});
