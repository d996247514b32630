import { createHash } from "node:crypto";
import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { StartPushRequest } from "../deploy/push-types.ts";
import type { ConvexLocal } from "./start-convex-local.ts";
import { DeployService } from "../deploy/deploy-service.ts";
import {
  copyFixtureApp,
  dataDirIn,
  ensureBetterAuthBuilt,
  expectSuccess,
  makeScratchDir,
  pushOnce,
  runCli,
  runFunction,
  startTestServer,
} from "../test-fixtures/cli-harness.ts";

let scratch: { dir: string; cleanup(): Promise<void> };
let server: ConvexLocal;
let app: string;

beforeAll(async () => {
  ensureBetterAuthBuilt();
  scratch = await makeScratchDir();
  app = await copyFixtureApp("basic-app", scratch.dir);
  server = await startTestServer(dataDirIn(scratch.dir));
  await pushOnce(app, server);
});

afterAll(async () => {
  await server?.stop();
  await scratch?.cleanup();
});

describe("the official CLI against convex-local", () => {
  it("runs queries and mutations pushed by `dev --once`", async () => {
    expect(await runFunction(app, server, "hello:hi", { name: "bob" })).toBe("hi bob");
    expect(await runFunction(app, server, "api.hello.hi", {})).toBe("hi there");
    expect(await runFunction(app, server, "hello:whoami", {}, ["--identity", '{"name":"Ada"}'])).toBe("Ada");
    await runFunction(app, server, "messages:send", { body: "first", author: "ada" });
    const messages = (await runFunction(app, server, "messages:list")) as { body: string; author: string }[];
    expect(messages.map((m) => [m.body, m.author])).toEqual([["first", "ada"]]);
  });

  it("reports the CLI's own module hashes, so an unchanged re-push uploads nothing", async () => {
    const response = await fetch(`${server.cloudUrl}/api/get_config_hashes`, {
      method: "POST",
      headers: { Authorization: `Convex ${server.adminKey}`, "Content-Type": "application/json" },
      body: JSON.stringify({ version: "1.49.0", adminKey: server.adminKey }),
    });
    const { moduleHashes } = (await response.json()) as { moduleHashes: { path: string; hash: string }[] };
    expect(moduleHashes.map((m) => m.path)).toEqual(expect.arrayContaining(["hello.js", "messages.js"]));
    const [version] = await readdir(path.join(dataDirIn(scratch.dir), "modules"));
    for (const { path: modulePath, hash } of moduleHashes) {
      const file = path.join(dataDirIn(scratch.dir), "modules", version, "0", modulePath);
      const source = await readFile(file, "utf8");
      const map = await readFile(`${file}.map`, "utf8").catch(() => "");
      expect(createHash("sha256").update(source).update(map).digest("hex")).toBe(hash);
    }

    const startPush = vi.spyOn(DeployService.prototype, "startPush");
    try {
      await pushOnce(app, server);
      const request = startPush.mock.calls[0][0] as StartPushRequest;
      expect(request.appDefinition.changedModules).toEqual([]);
      expect(request.appDefinition.unchangedModuleHashes.length).toBe(moduleHashes.length);
    } finally {
      startPush.mockRestore();
    }
    expect(await runFunction(app, server, "hello:hi", { name: "again" })).toBe("hi again");
  });

  it("sets, lists, gets and removes deployment env vars that functions read", async () => {
    expectSuccess(await runCli(app, server, ["env", "set", "FOO", "bar"]));
    expectSuccess(await runCli(app, server, ["env", "set", "ZED", "last"]));
    expect(await runFunction(app, server, "hello:env", { name: "FOO" })).toBe("bar");
    const list = expectSuccess(await runCli(app, server, ["env", "list", "--include-values"]));
    expect(list.stdout.trim().split("\n")).toEqual(["FOO=bar", "ZED=last"]);
    expect(expectSuccess(await runCli(app, server, ["env", "get", "FOO"])).stdout.trim()).toBe("bar");
    expectSuccess(await runCli(app, server, ["env", "remove", "FOO"]));
    expect(await runFunction(app, server, "hello:env", { name: "FOO" })).toBeNull();
    const missing = await runCli(app, server, ["env", "get", "FOO"]);
    expect(missing.output).toContain('Environment variable "FOO" not found');
    const invalid = await runCli(app, server, ["env", "set", "1BAD", "x"]);
    expect(invalid.code).not.toBe(0);
    expect(invalid.output).toContain("EnvironmentVariableNameInvalid");
  });

  it("lists the available functions when `run` names a missing one", async () => {
    const result = await runCli(app, server, ["run", "hello:nope", "{}"]);
    expect(result.code).toBe(1);
    expect(result.output).toContain("Could not find function");
    expect(result.output).toContain("Available functions:");
    expect(result.output).toMatch(/hello:hi/);
    expect(result.output).toMatch(/messages:send/);
  });

  it("refuses a schema that existing documents violate, and keeps serving the old code", async () => {
    const schemaFile = path.join(app, "convex/schema.ts");
    const original = await readFile(schemaFile, "utf8");
    await writeFile(schemaFile, original.replace("author: v.string() }", "author: v.string(), likes: v.number() }"));
    try {
      const result = await runCli(app, server, ["deploy", "--typecheck", "disable"]);
      expect(result.code).toBe(1);
      expect(result.output).toContain("Schema validation failed");
      expect(result.output).toContain("messages");
    } finally {
      await writeFile(schemaFile, original);
    }
    expect(await runFunction(app, server, "messages:count")).toBeGreaterThan(0);
  });

  it("gives the CLI's env advice when auth.config.ts reads an unset variable", async () => {
    const authConfig = path.join(app, "convex/auth.config.ts");
    await writeFile(
      authConfig,
      'export default { providers: [{ domain: process.env.MISSING_ISSUER_URL, applicationID: "convex" }] };\n',
    );
    try {
      const result = await runCli(app, server, ["dev", "--once", "--typecheck", "disable", "--tail-logs", "disable"]);
      expect(result.code).toBe(1);
      expect(result.output).toContain(
        "Environment variable MISSING_ISSUER_URL is used in auth config file but its value was not set.",
      );
      expect(result.output).toContain("npx convex env set");
    } finally {
      await rm(authConfig);
    }
  });

  it("reports a module that throws at import time like the real backend", async () => {
    const broken = path.join(app, "convex/broken.ts");
    await writeFile(broken, 'throw new Error("broken at import");\nexport const x = 1;\n');
    try {
      const result = await runCli(app, server, ["dev", "--once", "--typecheck", "disable", "--tail-logs", "disable"]);
      expect(result.code).toBe(1);
      expect(result.output).toContain("InvalidModules");
      expect(result.output).toContain("Failed to analyze broken.js: Uncaught Error: broken at import");
    } finally {
      await rm(broken);
    }
  });

  it("deploys with `npx convex deploy` and `--dry-run`", async () => {
    const helloFile = path.join(app, "convex/hello.ts");
    const original = await readFile(helloFile, "utf8");
    await writeFile(helloFile, original.replace("`hi ${name", "`howdy ${name"));
    try {
      const dryRun = expectSuccess(await runCli(app, server, ["deploy", "--dry-run", "--typecheck", "disable"]));
      expect(dryRun.output).toContain("Would have deployed");
      expect(await runFunction(app, server, "hello:hi", { name: "bob" })).toBe("hi bob");
      expectSuccess(await runCli(app, server, ["deploy", "--typecheck", "disable"]));
      expect(await runFunction(app, server, "hello:hi", { name: "bob" })).toBe("howdy bob");
    } finally {
      await writeFile(helloFile, original);
    }
  });

  it("answers a wrong admin key with 401 BadAdminKey", async () => {
    const response = await fetch(`${server.cloudUrl}/api/get_config_hashes`, {
      method: "POST",
      headers: { Authorization: "Convex not-the-key", "Content-Type": "application/json" },
      body: "{}",
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ code: "BadAdminKey" });
    const missing = await fetch(`${server.cloudUrl}/api/deploy2/finish_push`, { method: "POST", body: "{}" });
    expect(missing.status).toBe(401);
    const cli = await runCli(app, { cloudUrl: server.cloudUrl, adminKey: "not-the-key" }, [
      "deploy",
      "--typecheck",
      "disable",
    ]);
    expect(cli.code).toBe(1);
    expect(cli.output).toContain("BadAdminKey");
  });
});
