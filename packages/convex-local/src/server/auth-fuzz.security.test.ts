/**
 * The guide's app with every plugin the bundled component supports
 * (packages/convex-better-auth `src/test-utils/fuzz-app`), pushed with the
 * real CLI to a convex-local child process, and driven over real sockets with
 * the same generated malformed requests as the in-process fuzz test
 * (`auth-endpoints.fuzz.security.test.ts` there): no 5xx, no connection reset
 * or refused request, and a normal sign-in still works afterwards.
 */
import type { ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import fc from "fast-check";
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
import {
  fuzzRequests,
  materialize,
  routeMethodPairs,
  routesOf,
  sessionCookies,
  type FuzzSpec,
} from "../../../convex-better-auth/src/test-utils/fuzz/auth-requests.ts";

const FUZZ_APP = path.join(REPO_DIR, "packages/convex-better-auth/src/test-utils/fuzz-app");
const ORIGIN = "http://localhost:3000";
const BASE = "/api/auth";
const RUNS = Number(process.env.FUZZ_WIRE_RUNS ?? 200);
// A fixed seed by default so `npm test` is repeatable; FUZZ_SEED=random (or a number) explores further.
const SEED = process.env.FUZZ_SEED === "random" ? undefined : Number(process.env.FUZZ_SEED ?? 11);
const PASSWORD = "correct horse battery 1";

let scratch: { dir: string; cleanup(): Promise<void> };
let server: ConvexLocalProcess;
const children: ChildProcess[] = [];

async function postJson(pathname: string, body: unknown, cookie?: string) {
  return await fetch(`${server.siteUrl}${BASE}${pathname}`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: ORIGIN, ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(body),
  });
}

beforeAll(async () => {
  ensureBetterAuthBuilt();
  if (!existsSync(path.join(PACKAGE_DIR, "dist/cli.js"))) buildConvexLocal();
  scratch = await makeScratchDir();
  const appDir = path.join(scratch.dir, "app");
  await mkdir(appDir, { recursive: true });
  await cp(FUZZ_APP, path.join(appDir, "convex"), { recursive: true });
  await writeFile(
    path.join(appDir, "package.json"),
    JSON.stringify({
      name: "auth-fuzz-app",
      private: true,
      type: "module",
      dependencies: { convex: "1.49.0", "convex-better-auth": "*" },
    }),
  );
  server = await startConvexLocalProcess(path.join(scratch.dir, "data"), children);
  const env = await fetch(`${server.cloudUrl}/api/update_environment_variables`, {
    method: "POST",
    headers: { authorization: `Convex ${server.adminKey}`, "content-type": "application/json" },
    body: JSON.stringify({
      changes: [
        { name: "SITE_URL", value: ORIGIN },
        { name: "BETTER_AUTH_SECRET", value: "auth-fuzz-secret-0123456789abcdef0123" },
      ],
    }),
  });
  expect(env.status).toBe(200);
  await pushOnce(appDir, server);
}, 180_000);

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await scratch?.cleanup();
});

describe("malformed input over sockets", () => {
  it(`${RUNS} generated requests: no 5xx, no connection reset; sign-in works afterwards`, async () => {
    process.env.SITE_URL = ORIGIN;
    process.env.CONVEX_SITE_URL = server.siteUrl;
    const { createAuth } = await import("../../../convex-better-auth/src/test-utils/fuzz-app/auth.ts");
    const routes = routesOf((createAuth as (ctx: unknown) => { api: Record<string, unknown> })({}).api);
    expect(routes.length).toBeGreaterThan(80);

    const email = "wire-fuzz@example.com";
    const signUp = await postJson("/sign-up/email", { name: "Wire", email, password: PASSWORD });
    expect(signUp.status).toBe(200);
    let cookie = sessionCookies(signUp);

    const failures: string[] = [];
    async function send(spec: FuzzSpec) {
      const request = await materialize(spec, { origin: ORIGIN });
      if (request.signedIn) request.headers.cookie = [request.headers.cookie, cookie].filter(Boolean).join("; ");
      const what = `${request.method} ${BASE}${request.path.slice(0, 120)} [${request.label}${request.signedIn ? ", signed in" : ""}]`;
      try {
        const response = await fetch(`${server.siteUrl}${BASE}${request.path}`, {
          method: request.method,
          headers: request.headers,
          body: request.body,
          // Redirects point at the app's origin, where nothing listens here.
          redirect: "manual",
          signal: AbortSignal.timeout(30_000),
        });
        const text = await response.text();
        if (response.status >= 500) failures.push(`${what}: ${response.status} ${text.slice(0, 300)}`);
      } catch (error) {
        const cause = (error as { cause?: { code?: string } }).cause?.code ?? "";
        failures.push(`${what}: ${(error as Error).message} ${cause}`);
      }
    }
    // Every (route, method) pair once, alternating signed out and in, then random requests.
    for (const [i, pair] of routeMethodPairs(routes).entries()) {
      const [spec] = fc.sample(fuzzRequests([pair], { wrongMethods: false }), { numRuns: 1, seed: i });
      await send({ ...spec!, signedIn: i % 2 === 1 });
    }
    await fc.assert(fc.asyncProperty(fuzzRequests(routes), send), { numRuns: RUNS, seed: SEED });
    expect(failures, failures.slice(0, 10).join("\n")).toEqual([]);
    expect(server.child.exitCode).toBeNull();
    const signIn = await postJson("/sign-in/email", { email, password: PASSWORD });
    expect(signIn.status).toBe(200);
    cookie = sessionCookies(signIn);
    expect((await fetch(`${server.siteUrl}${BASE}/convex/token`, { headers: { cookie } })).status).toBe(200);
  }, 300_000);
});
