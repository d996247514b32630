/**
 * Publishable packages: both workspace packages packed with `npm pack`, the
 * tarballs linted (contents, publint, attw), then installed into a fresh
 * app in a temporary folder outside the repository that runs the guide:
 * convex-local started from the installed package, `npx convex env set`,
 * `npx convex dev --once`, sign-up over HTTP, `/api/auth/convex/token`,
 * `getCurrentUser` through ConvexHttpClient, `tsc --strict`, and
 * `convex-better-auth/test` under plain Node and plain vitest.
 *
 * TARBALL_VERSIONS=latest (`npm run test:latest`) installs the newest
 * better-auth, convex and convex-test the library's peer ranges allow
 * instead of the versions the repository pins.
 *
 * Each step is a subtest; a step that needs an earlier one is skipped when
 * that one failed. Everything started is stopped and the temporary folder
 * removed at the end.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test, type TestContext } from "node:test";
import { installApp, installedVersions, writeApp, type VersionMode } from "../src/app.ts";
import { convexToken, signUp, SITE_URL, type SignedUp } from "../src/auth-http.ts";
import { npxConvex } from "../src/convex-cli.ts";
import { startInstalledConvexLocal, type RunningConvexLocal } from "../src/convex-local.ts";
import { attwProblems, publintMessages } from "../src/lint.ts";
import { packPackage, tarballProblems, undeclaredTypeImports, type Packed } from "../src/pack.ts";
import { CONVEX_LOCAL_DIR, LIBRARY_DIR, REPO_DIR } from "../src/paths.ts";
import { appEnv, run } from "../src/run.ts";

const MODE: VersionMode = process.env.TARBALL_VERSIONS === "latest" ? "latest" : "pinned";

let workDir = "";
const packed: { library?: Packed; convexLocal?: Packed } = {};

before(() => {
  workDir = mkdtempSync(join(tmpdir(), "convex-tarball-"));
  if (workDir.startsWith(REPO_DIR)) throw new Error(`the temporary folder ${workDir} is inside the repository`);
});
after(() => {
  // TARBALL_KEEP=1 keeps the app, tarballs and data for a look after a failure.
  if (process.env.TARBALL_KEEP === "1") process.stderr.write(`tarball: kept ${workDir}\n`);
  else if (workDir !== "") rmSync(workDir, { recursive: true, force: true });
});

function both(): [Packed, Packed] {
  if (packed.library === undefined || packed.convexLocal === undefined) throw new Error("packing failed (see above)");
  return [packed.library, packed.convexLocal];
}

describe("the packed tarballs", () => {
  test("npm pack packs both packages", async () => {
    const destination = join(workDir, "tarballs");
    mkdirSync(destination);
    packed.library = await packPackage(LIBRARY_DIR, destination);
    packed.convexLocal = await packPackage(CONVEX_LOCAL_DIR, destination);
  });

  for (const which of ["library", "convexLocal"] as const) {
    const name = which === "library" ? "convex-better-auth" : "convex-local";
    test(`${name}: built code, types, docs and license; no tests or fixtures`, (t) => {
      const pkg = packed[which];
      if (pkg === undefined) return t.skip("not packed");
      assert.deepEqual(tarballProblems(pkg), [], `${pkg.tarball} is not publishable`);
      t.diagnostic(`» ${pkg.name}@${pkg.version}: ${pkg.files.length} files`);
    });
    test(`${name}: publint (strict, suggestions included) finds nothing`, async (t) => {
      const pkg = packed[which];
      if (pkg === undefined) return t.skip("not packed");
      assert.deepEqual(await publintMessages(pkg.tarball), [], `publint on ${pkg.tarball}`);
    });
    test(`${name}: attw (esm-only profile) finds no problem`, async (t) => {
      const pkg = packed[which];
      if (pkg === undefined) return t.skip("not packed");
      const { problems, entrypoints } = await attwProblems(pkg.tarball);
      assert.deepEqual(problems, [], `attw on ${pkg.tarball}`);
      assert.ok(entrypoints > 0, "attw analysed no entry point");
    });
  }

  for (const [name, which] of [
    ["convex-better-auth", "library"],
    ["convex-local", "convexLocal"],
  ] as const) {
    test(`${name}: declarations import only declared packages`, async (t) => {
      const pkg = packed[which];
      if (pkg === undefined) return t.skip("not packed");
      assert.deepEqual(
        await undeclaredTypeImports(pkg),
        [],
        `a .d.ts in ${pkg.tarball} names a package ${name} does not depend on`,
      );
    });
  }

  test("convex-better-auth: peers are ranges users can meet, framework peers optional", (t) => {
    const pkg = packed.library;
    if (pkg === undefined) return t.skip("not packed");
    const { peerDependencies = {}, peerDependenciesMeta = {} } = pkg.manifest;
    assert.equal(peerDependencies["better-auth"], ">=1.7.25 <1.8");
    assert.match(peerDependencies.convex ?? "", /^\^1\.49(\.0)?$/);
    for (const framework of ["react", "next", "@tanstack/react-start", "convex-test"]) {
      assert.equal(peerDependenciesMeta[framework]?.optional, true, `${framework} is not an optional peer`);
    }
  });
});

type Step = (name: string, body: () => Promise<void>) => Promise<void>;

/** Sequential steps: once one fails, the rest are reported as skipped. */
function stepper(t: TestContext): Step {
  let failed: string | undefined;
  return async (name, body) => {
    if (failed !== undefined) {
      await t.test(name, { skip: `needs "${failed}"` }, () => {});
      return;
    }
    let passed = false;
    await t.test(name, async () => {
      await body();
      passed = true;
    });
    if (!passed) failed = name;
  };
}

test(`a fresh app installs both tarballs (${MODE} versions) and runs the guide`, { timeout: 420_000 }, async (t) => {
  const step = stepper(t);
  const appDir = join(workDir, "app");
  let server: RunningConvexLocal | undefined;
  let user: SignedUp | undefined;
  let token = "";
  /** Appends what convex-local printed to a failure of a step that talks to it. */
  const withServerOutput = async (body: () => Promise<void>) => {
    try {
      await body();
    } catch (error) {
      const said = server?.output().trim().split("\n").slice(-30).join("\n");
      throw new Error(
        `${(error as Error).message}${said ? `\nconvex-local (pid ${server!.pid}) said:\n${said}` : ""}`,
        { cause: error },
      );
    }
  };
  const inApp = (command: string, args: string[], timeoutMs: number, env: Record<string, string> = {}) =>
    run(command, args, { cwd: appDir, env: appEnv(appDir, env), timeoutMs });

  try {
    await step("npm install of the tarballs, convex, better-auth and node@22 into a new folder", async () => {
      const [library, convexLocal] = both();
      mkdirSync(appDir);
      writeApp(appDir, { library, convexLocal, mode: MODE });
      await installApp(appDir);
      const versions = installedVersions(appDir, [
        "convex-better-auth",
        "convex-local",
        "better-auth",
        "convex",
        "convex-test",
        "node",
      ]);
      t.diagnostic(
        `» installed (${MODE}): ${Object.entries(versions)
          .map(([name, version]) => `${name}@${version}`)
          .join(", ")}`,
      );
      assert.equal(versions["convex-better-auth"], library.version);
      assert.equal(versions["convex-local"], convexLocal.version);
    });

    await step("the app runs on its node@22; `convex-local --version` prints the installed version", async () => {
      const node = await inApp("node", ["--version"], 30_000);
      assert.match(node.stdout.trim(), /^v22\./, "the app's node_modules/.bin/node is not Node 22");
      const version = await inApp(join(appDir, "node_modules/.bin/convex-local"), ["--version"], 30_000);
      assert.equal(version.stdout.trim(), both()[1].version);
    });

    await step("convex-better-auth/test runs under plain Node", async () => {
      const { stdout } = await inApp("node", ["scripts/register-in-node.mjs"], 60_000);
      assert.equal(stdout.trim(), "ok");
    });

    await step("convex-better-auth/test runs under plain vitest (no config)", async () => {
      await inApp("npx", ["--no", "--", "vitest", "run", "--reporter=dot"], 120_000);
    });

    await step("convex-local starts from node_modules/.bin", async () => {
      server = await startInstalledConvexLocal(appDir, join(workDir, "data"));
    });

    await step("npx convex env set BETTER_AUTH_SECRET and SITE_URL", () =>
      withServerOutput(async () => {
        await npxConvex(appDir, server!, ["env", "set", "BETTER_AUTH_SECRET", randomBytes(32).toString("base64")]);
        await npxConvex(appDir, server!, ["env", "set", "SITE_URL", SITE_URL]);
      }),
    );

    await step("npx convex dev --once deploys the guide's convex/ and writes _generated", () =>
      withServerOutput(async () => {
        await npxConvex(appDir, server!, ["dev", "--once", "--typecheck", "disable", "--tail-logs", "disable"]);
        assert.match(
          readFileSync(join(appDir, "convex/_generated/api.d.ts"), "utf8"),
          /betterAuth/,
          "codegen wrote no components.betterAuth",
        );
      }),
    );

    await step("tsc --strict type-checks the app (convex/ with the CLI's tsconfig, and its test)", async () => {
      await inApp("npx", ["--no", "--", "tsc", "-p", "convex", "--strict"], 120_000);
      await inApp("npx", ["--no", "--", "tsc", "-p", "tsconfig.json", "--strict"], 120_000);
    });

    await step("POST /api/auth/sign-up/email (Origin: SITE_URL) creates a user and a session", () =>
      withServerOutput(async () => {
        user = await signUp(server!.siteUrl);
      }),
    );

    await step("GET /api/auth/convex/token gives a JWT for the session", () =>
      withServerOutput(async () => {
        token = await convexToken(server!.siteUrl, user!.sessionCookie);
      }),
    );

    await step("getCurrentUser with that JWT through ConvexHttpClient returns the user", () =>
      withServerOutput(async () => {
        const { stdout } = await inApp("node", ["scripts/current-user.mjs"], 60_000, {
          CONVEX_URL: server!.cloudUrl,
          CONVEX_AUTH_TOKEN: token,
        });
        const answer = JSON.parse(stdout) as { _id?: unknown; id?: unknown; email?: unknown } | null;
        // The user document; its Convex `_id` is the Better Auth id (or its `id` field with chosen ids).
        assert.equal(answer?.id ?? answer?._id, user!.userId, `getCurrentUser answered ${stdout.trim()}`);
        assert.equal(answer?.email, user!.email, `getCurrentUser answered ${stdout.trim()}`);
      }),
    );
  } finally {
    await server?.stop();
  }
});
