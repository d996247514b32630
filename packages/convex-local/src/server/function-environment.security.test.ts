/**
 * Functions see the deployment's environment variables and the URLs Convex
 * provides, never the environment of the process convex-local runs in.
 *
 * Regression: convex-local put deployment variables on its own
 * `process.env`, so every function also saw the host's `NODE_ENV`, `CI`,
 * `PATH` and whatever secrets the shell that started it held, and an
 * embedding test process saw the deployment's variables.
 */
import type { ChildProcess } from "node:child_process";
import path from "node:path";
import { ConvexClient, ConvexHttpClient } from "convex/browser";
import { anyApi } from "convex/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  buildConvexLocal,
  startConvexLocalProcess,
  type ConvexLocalProcess,
} from "../test-fixtures/convex-local-process.ts";
import {
  copyFixtureApp,
  expectSuccess,
  makeScratchDir,
  pushOnce,
  runCli,
  runFunction,
} from "../test-fixtures/cli-harness.ts";
import {
  HARDENING_SITE_URL,
  setEnv,
  startHardeningApp,
  type HardeningAppSetup,
} from "../test-fixtures/start-hardening-app.ts";

const HOST_SECRET = "HARDENING_HOST_SECRET";
const SECRET_AUTH = "hardening-secret-0123456789abcdef0123";

type EnvReport = Record<string, string>;

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("an in-process server", () => {
  let setup: HardeningAppSetup;
  let expected: EnvReport;
  const hostBefore = new Map<string, string | undefined>();

  beforeAll(async () => {
    process.env[HOST_SECRET] = "host-only";
    for (const name of [HOST_SECRET, "NODE_ENV", "PATH", "CONVEX_CLOUD_URL", "HARDENING_VAR", "WRITTEN_BY_FUNCTION"]) {
      hostBefore.set(name, process.env[name]);
    }
    setup = await startHardeningApp();
    expectSuccess(
      await runCli(setup.appDir, setup.server, ["env", "set", "HARDENING_VAR", "deployment-value"]),
      "convex env set",
    );
    expected = {
      BETTER_AUTH_SECRET: SECRET_AUTH,
      CONVEX_CLOUD_URL: setup.server.cloudUrl,
      CONVEX_SITE_URL: setup.server.siteUrl,
      HARDENING_VAR: "deployment-value",
      SITE_URL: HARDENING_SITE_URL,
    };
  }, 180_000);

  afterAll(async () => {
    await setup?.stop();
    delete process.env[HOST_SECRET];
  });

  it("gives queries, mutations, actions, Node actions and module top-level code exactly the deployment's variables", async () => {
    // vitest sets NODE_ENV=test in this process: the functions must not see it.
    expect(process.env.NODE_ENV).toBe("test");
    const client = new ConvexHttpClient(setup.server.cloudUrl, { logger: false });
    expect(await client.query(anyApi.env!.query!, {})).toEqual(expected);
    expect(await client.mutation(anyApi.env!.mutation!, {})).toEqual(expected);
    expect(await client.action(anyApi.env!.action!, {})).toEqual(expected);
    expect(await client.query(anyApi.env!.moduleLoad!, {})).toEqual(expected);
    expect(await client.action(anyApi.nodeEnv!.read!, {})).toEqual({ env: expected, platform: process.platform });
  });

  it("gives the same to the sync protocol, the real CLI's `run`, HTTP actions and scheduled functions", async () => {
    const socket = new ConvexClient(setup.server.cloudUrl, { unsavedChangesWarning: false });
    try {
      expect(await socket.query(anyApi.env!.query!, {})).toEqual(expected);
      expect(await socket.action(anyApi.env!.action!, {})).toEqual(expected);
    } finally {
      await socket.close();
    }
    expect(await runFunction(setup.appDir, setup.server, "env:action")).toEqual(expected);
    expect(await (await fetch(`${setup.server.siteUrl}/env`)).json()).toEqual(expected);

    const client = new ConvexHttpClient(setup.server.cloudUrl, { logger: false });
    await client.mutation(anyApi.env!.schedule!, {});
    const snapshot = await waitFor(async () => {
      const rows = (await client.query(anyApi.env!.snapshots!, {})) as { source: string; env: string }[];
      return rows.find((row) => row.source === "scheduled");
    });
    expect(JSON.parse(snapshot.env)).toEqual(expected);
  });

  it("never prints the host's environment in a function's log lines", async () => {
    const response = await fetch(`${setup.server.cloudUrl}/api/query`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ path: "env:logged", args: {}, format: "json" }),
    });
    const body = (await response.json()) as { status: string; logLines: string[] };
    expect(body.status).toBe("success");
    const logged = body.logLines.join("\n");
    expect(logged).toContain("HARDENING_VAR");
    expect(logged).not.toContain(HOST_SECRET);
    expect(logged).not.toContain("NODE_ENV");
    expect(logged).not.toContain(process.env.PATH!);
  });

  it("keeps deployment variables and functions' writes off the host's process.env", async () => {
    const client = new ConvexHttpClient(setup.server.cloudUrl, { logger: false });
    expect(await client.action(anyApi.env!.write!, {})).toBe("yes");
    for (const [name, value] of hostBefore) expect(process.env[name]).toBe(value);
    expect(process.env.SITE_URL).toBeUndefined();
    expect(Object.keys({ ...process.env })).not.toContain("BETTER_AUTH_SECRET");
  });

  it("follows `npx convex env remove`", async () => {
    expectSuccess(await runCli(setup.appDir, setup.server, ["env", "remove", "HARDENING_VAR"]), "convex env remove");
    const client = new ConvexHttpClient(setup.server.cloudUrl, { logger: false });
    const { HARDENING_VAR: _removed, ...rest } = expected;
    const seen = (await client.query(anyApi.env!.query!, {})) as EnvReport;
    expect(seen).not.toHaveProperty("HARDENING_VAR");
    expect(seen).toMatchObject(rest);
  });
});

describe("`convex-local start` in a shell with secrets", () => {
  let scratch: { dir: string; cleanup(): Promise<void> };
  let server: ConvexLocalProcess;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    buildConvexLocal();
    scratch = await makeScratchDir();
    const appDir = await copyFixtureApp("hardening-app", scratch.dir);
    server = await startConvexLocalProcess(path.join(scratch.dir, "data"), children, {
      env: {
        [HOST_SECRET]: "shell-secret",
        CI: "1",
        NODE_ENV: "production",
        AWS_SECRET_ACCESS_KEY: "not-for-functions",
      },
    });
    await setEnv(server, { SITE_URL: HARDENING_SITE_URL, BETTER_AUTH_SECRET: SECRET_AUTH });
    await pushOnce(appDir, server);
  }, 240_000);

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await scratch?.cleanup();
  });

  it("shows functions none of the shell's variables", async () => {
    const expected = {
      BETTER_AUTH_SECRET: SECRET_AUTH,
      CONVEX_CLOUD_URL: server.cloudUrl,
      CONVEX_SITE_URL: server.siteUrl,
      SITE_URL: HARDENING_SITE_URL,
    };
    const client = new ConvexHttpClient(server.cloudUrl, { logger: false });
    expect(await client.query(anyApi.env!.query!, {})).toEqual(expected);
    expect(await client.action(anyApi.nodeEnv!.read!, {})).toMatchObject({ env: expected });
    expect(await (await fetch(`${server.siteUrl}/env`)).json()).toEqual(expected);
  });
});
