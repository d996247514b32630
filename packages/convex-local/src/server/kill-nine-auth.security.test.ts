/**
 * `kill -9` of convex-local during a burst of Better Auth sign-ups. The app
 * is the seed guide's Convex code (packages/convex-better-auth's
 * `src/test-utils/seed-app`), pushed with the real CLI; sign-ups go over the
 * site port (`POST /api/auth/sign-up/email`). After a restart on the same
 * data dir every acknowledged sign-up must still have its user and its
 * credential account, and once the transaction timeout has passed no user
 * is left without one: a sign-up is one Better Auth transaction, journaled
 * by the adapter and rolled back by the component's expiry job.
 *
 * The scratch copy differs from the seed in two test knobs: a short
 * transaction timeout, and a pause between user and account creation when
 * the `SLOW_ACCOUNT_MS` env var is set, so a kill lands in that window on
 * purpose instead of by chance.
 */
import type { ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { ConvexHttpClient } from "convex/browser";
import { anyApi } from "convex/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  buildConvexLocal,
  startConvexLocalProcess,
  type ConvexLocalProcess,
} from "../test-fixtures/convex-local-process.ts";
import {
  PACKAGE_DIR,
  REPO_DIR,
  ensureBetterAuthBuilt,
  makeScratchDir,
  pushOnce,
} from "../test-fixtures/cli-harness.ts";

const SEED_APP = path.join(REPO_DIR, "packages/convex-better-auth/src/test-utils/seed-app");
const ORIGIN = "http://localhost:3000";
const TOTAL = 30;
const KILL_AFTER_ACKS = 8;
const TRANSACTION_TIMEOUT_MS = 2_000;

/** The seed's auth.ts with the two test knobs described above. */
function withTestKnobs(source: string): string {
  const client = "createClient<DataModel>(components.betterAuth)";
  const options = "betterAuth({";
  if (!source.includes(client) || !source.includes(options)) throw new Error("the seed's auth.ts changed shape");
  return source
    .replace(
      client,
      `createClient<DataModel>(components.betterAuth, { transactionTimeoutMs: ${TRANSACTION_TIMEOUT_MS} })`,
    )
    .replace(
      options,
      `${options}
        databaseHooks: {
            account: {
                create: {
                    before: async () => {
                        const pause = Number(process.env.SLOW_ACCOUNT_MS ?? 0);
                        if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
                    },
                },
            },
        },`,
    );
}

async function setEnv(server: ConvexLocalProcess, values: Record<string, string | null>) {
  const response = await fetch(`${server.cloudUrl}/api/update_environment_variables`, {
    method: "POST",
    headers: { authorization: `Convex ${server.adminKey}`, "content-type": "application/json" },
    body: JSON.stringify({ changes: Object.entries(values).map(([name, value]) => ({ name, value })) }),
  });
  expect(response.status).toBe(200);
}

async function readRows(server: ConvexLocalProcess): Promise<Rows> {
  const reader = new ConvexHttpClient(server.cloudUrl, { logger: false });
  return {
    users: (await reader.query(anyApi.inspect.rows, { model: "user" })) as Rows["users"],
    accounts: (await reader.query(anyApi.inspect.rows, { model: "account" })) as Rows["accounts"],
  };
}

function orphans(rows: Rows): unknown[] {
  const accountUserIds = new Set(rows.accounts.map((a) => a.userId as string));
  return rows.users.filter((u) => !accountUserIds.has(u.id as string)).map((u) => u.email);
}

/** Polls until no user lacks an account, or the deadline passes; returns the last orphans. */
async function orphansAfterExpiry(server: ConvexLocalProcess): Promise<unknown[]> {
  const deadline = Date.now() + TRANSACTION_TIMEOUT_MS + 15_000;
  for (;;) {
    const left = orphans(await readRows(server));
    if (left.length === 0 || Date.now() > deadline) return left;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

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
    const authFile = path.join(appDir, "convex/auth.ts");
    await writeFile(authFile, withTestKnobs(await readFile(authFile, "utf8")));
    await writeFile(
      path.join(appDir, "package.json"),
      JSON.stringify({
        name: "kill-nine-auth-app",
        private: true,
        type: "module",
        dependencies: { convex: "1.49.0", "convex-better-auth": "*" },
      }),
    );
    const dataDir = path.join(scratch.dir, "data");
    const first = await startConvexLocalProcess(dataDir, children);
    await setEnv(first, { SITE_URL: ORIGIN, BETTER_AUTH_SECRET: "kill-nine-auth-secret-0123456789abcdef" });
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
    after = await readRows(second);
    const userByEmail = new Map(after.users.map((u) => [u.email as string, u]));
    const accountUserIds = new Set(
      after.accounts.filter((a) => a.providerId === "credential").map((a) => a.userId as string),
    );
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
    await record(
      "site malformed JSON",
      post(`${siteUrl}/api/auth/sign-up/email`, '{"email": "x@example.com", "password": '),
    );
    await record(
      "site wrong types",
      post(`${siteUrl}/api/auth/sign-up/email`, JSON.stringify({ name: 1, email: 2, password: [3] })),
    );
    await record("site unknown route", post(`${siteUrl}/api/auth/no-such-route`, "{}"));
    await record("cloud malformed JSON", post(`${cloudUrl}/api/query`, "{not json"));
    // Function-level errors keep Convex's protocol: HTTP 200 with status "error".
    const unknown = await post(`${cloudUrl}/api/query`, JSON.stringify({ path: "inspect:nope", args: {} }));
    expect(unknown.status).toBe(200);
    expect(await unknown.json()).toMatchObject({
      status: "error",
      errorMessage: expect.stringContaining("Could not find public function for 'inspect:nope'."),
    });
    await record(
      "cloud bad token",
      fetch(`${cloudUrl}/api/query`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: "Bearer not.a.jwt" },
        body: JSON.stringify({ path: "auth:getCurrentUser", args: {} }),
      }),
    );
    for (const [name, { status }] of Object.entries(results)) {
      expect(status, name).toBeGreaterThanOrEqual(400);
      expect(status, name).toBeLessThan(500);
    }
    // Argument validation errors keep Convex's protocol too.
    const badArgs = await post(`${cloudUrl}/api/query`, JSON.stringify({ path: "inspect:rows", args: { model: 5 } }));
    expect(badArgs.status).toBe(200);
    expect(await badArgs.json()).toMatchObject({
      status: "error",
      errorMessage: expect.stringMatching(/ArgumentValidationError|Validator error/),
    });
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
      body: JSON.stringify({
        name: "x".repeat(2 * 1024 * 1024),
        email: "big@example.com",
        password: "correct horse 1",
      }),
    });
    expect(big.status).toBeGreaterThanOrEqual(400);
    expect(big.status).toBeLessThan(500);
  });

  it("leaves no user without an account once the transaction timeout has passed", async () => {
    expect(restarted, "the crash test ran").toBeDefined();
    expect(await orphansAfterExpiry(restarted!)).toEqual([]);
  });

  it("rolls back a sign-up killed between its user and its account", async () => {
    expect(restarted, "the crash test ran").toBeDefined();
    const server = restarted!;
    const email = "half-written@example.com";
    await setEnv(server, { SLOW_ACCOUNT_MS: "60000" });
    const exited = new Promise((resolve) => server.child.once("exit", resolve));
    // Own client addresses: Better Auth rate-limits sign-ups per IP, and the
    // bad-input tests above used up the default address's budget.
    const signUp = fetch(`${server.siteUrl}/api/auth/sign-up/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: ORIGIN, "x-forwarded-for": "10.0.0.1" },
      body: JSON.stringify({ name: "Half Written", email, password: "correct horse 1" }),
    }).catch(() => undefined);
    // Wait until the user is written and the sign-up sits in the pause.
    for (let tries = 0; !(await readRows(server)).users.some((u) => u.email === email); tries++) {
      expect(tries, "the user row appears").toBeLessThan(100);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    server.child.kill("SIGKILL");
    await exited;
    await signUp;

    const third = await startConvexLocalProcess(path.join(scratch.dir, "data"), children);
    restarted = third;
    await setEnv(third, { SLOW_ACCOUNT_MS: null });
    expect(await orphansAfterExpiry(third)).toEqual([]);
    expect((await readRows(third)).users.some((u) => u.email === email)).toBe(false);
    // The email is free again.
    const retry = await fetch(`${third.siteUrl}/api/auth/sign-up/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: ORIGIN, "x-forwarded-for": "10.0.0.2" },
      body: JSON.stringify({ name: "Half Written", email, password: "correct horse 1" }),
    });
    expect(retry.status).toBe(200);
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
});
