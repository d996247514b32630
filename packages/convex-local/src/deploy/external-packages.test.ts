import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, statSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConvexLocal } from "../server/start-convex-local.ts";
import {
  copyFixtureApp,
  dataDirIn,
  expectSuccess,
  makeScratchDir,
  pushOnce,
  runCli,
  runFunction,
  startTestServer,
} from "../test-fixtures/cli-harness.ts";
import { checkNodeDependencies, nodeDependenciesId } from "./external-packages.ts";

const IS_ODD = { name: "is-odd", version: "3.0.1" };

let scratch: { dir: string; cleanup(): Promise<void> };
let server: ConvexLocal;
let app: string;
let dataDir: string;
const installDir = () => path.join(dataDir, "external-packages", nodeDependenciesId([IS_ODD]));

/**
 * The CLI reads only the version of an external package from the app's own
 * install (and checks that its folder exists); the code that runs is what
 * convex-local installs. So the app's copy here is just its package.json,
 * which also proves that the action ran the server's install.
 */
async function addAppPackage(name: string, version: string): Promise<void> {
  const dir = path.join(app, "node_modules", name);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, "package.json"), JSON.stringify({ name, version }));
}

beforeAll(async () => {
  scratch = await makeScratchDir();
  app = await copyFixtureApp("external-packages-app", scratch.dir);
  await addAppPackage(IS_ODD.name, IS_ODD.version);
  dataDir = dataDirIn(scratch.dir);
  server = await startTestServer(dataDir);
  await pushOnce(app, server);
});

afterAll(async () => {
  await server?.stop();
  await scratch?.cleanup();
});

describe('"use node" actions with convex.json node.externalPackages', () => {
  it("installs the exact version the CLI sends, with its dependencies, and the action imports it", async () => {
    expect(await runFunction(app, server, "parity:describe", { n: 3 })).toBe("3 is odd");
    expect(await runFunction(app, server, "parity:describe", { n: 8 })).toBe("8 is even");
    const installed = JSON.parse(
      await readFile(path.join(installDir(), "node_modules/is-odd/package.json"), "utf8"),
    ) as { version: string };
    expect(installed.version).toBe("3.0.1");
    expect(existsSync(path.join(installDir(), "node_modules/is-number/package.json"))).toBe(true);
  });

  it("reports the deployed nodeDependencies in get_config_hashes", async () => {
    const response = await fetch(`${server.cloudUrl}/api/get_config_hashes`, {
      method: "POST",
      headers: { Authorization: `Convex ${server.adminKey}`, "Content-Type": "application/json" },
      body: JSON.stringify({ version: "1.49.0", adminKey: server.adminKey }),
    });
    expect(((await response.json()) as { nodeDependencies: unknown }).nodeDependencies).toEqual([IS_ODD]);
  });

  it("does not reinstall an unchanged set on the next push (`convex deploy`)", async () => {
    const before = statSync(installDir()).ino;
    expectSuccess(await runCli(app, server, ["deploy", "--typecheck", "disable"]), "convex deploy");
    expect(statSync(installDir()).ino).toBe(before);
    expect(readdirSync(path.join(dataDir, "external-packages"))).toEqual([nodeDependenciesId([IS_ODD])]);
    expect(await runFunction(app, server, "parity:describe", { n: 5 })).toBe("5 is odd");
  });

  it("fails a push whose package the registry does not have with InvalidExternalModules, keeping the running app", async () => {
    // Random, so nobody can have published it.
    const missing = `convex-local-missing-${randomBytes(6).toString("hex")}`;
    await addAppPackage(missing, "1.0.0");
    const packageJsonPath = path.join(app, "package.json");
    const packageJson = JSON.parse(await readFile(packageJsonPath, "utf8")) as { dependencies: Record<string, string> };
    packageJson.dependencies[missing] = "1.0.0";
    await writeFile(packageJsonPath, JSON.stringify(packageJson));
    await writeFile(path.join(app, "convex.json"), JSON.stringify({ node: { externalPackages: ["is-odd", missing] } }));
    await writeFile(
      path.join(app, "convex/missing.js"),
      `"use node";\nimport missing from "${missing}";\nimport { actionGeneric } from "convex/server";\nexport const run = actionGeneric({ args: {}, handler: async () => String(missing) });\n`,
    );
    try {
      const push = await runCli(app, server, ["dev", "--once", "--typecheck", "disable", "--tail-logs", "disable"]);
      expect(push.code).not.toBe(0);
      expect(push.output).toContain("InvalidExternalModules");
      expect(push.output).toContain(`${missing}@1.0.0`);
      expect(push.output).toContain("npm install exited with");
      expect(readdirSync(path.join(dataDir, "external-packages"))).toEqual([nodeDependenciesId([IS_ODD])]);
      expect(await runFunction(app, server, "parity:describe", { n: 2 })).toBe("2 is even");
    } finally {
      await rm(path.join(app, "convex/missing.js"));
      await writeFile(path.join(app, "convex.json"), JSON.stringify({ node: { externalPackages: ["is-odd"] } }));
    }
  });

  it("re-installs the deployed set when a restart finds it gone", async () => {
    await server.stop();
    await rm(path.join(dataDir, "external-packages"), { recursive: true, force: true });
    server = await startTestServer(dataDir);
    expect(await runFunction(app, server, "parity:describe", { n: 7 })).toBe("7 is odd");
  });
});

describe("checkNodeDependencies", () => {
  it("takes exact versions of npm names, sorted, so the set's id ignores order", () => {
    const set = [IS_ODD, { name: "@scope/pkg", version: "1.0.0-beta.1" }];
    expect(checkNodeDependencies(set)).toEqual([{ name: "@scope/pkg", version: "1.0.0-beta.1" }, IS_ODD]);
    expect(nodeDependenciesId(set)).toBe(nodeDependenciesId([...set].reverse()));
  });

  it.each([
    [{ name: "../outside", version: "1.0.0" }],
    [{ name: "--registry=http://127.0.0.1:1", version: "1.0.0" }],
    [{ name: "is-odd", version: "^3.0.0" }],
    [{ name: "is-odd", version: "file:../is-odd" }],
    [{ name: "is-odd", version: "latest" }],
  ])("refuses %j before it reaches npm, with InvalidExternalModules", (entry) => {
    expect(() => checkNodeDependencies([entry])).toThrow(expect.objectContaining({ code: "InvalidExternalModules" }));
  });
});
