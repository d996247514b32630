import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createEngine, type PersistentEngine } from "./create-engine.ts";
import { bundleFixtureApp } from "./test-fixtures/bundle-fixture-app.ts";
import { createTempDirs, type TempDirs } from "./test-fixtures/temp-dirs.ts";
import type { AppDeployment, Caller, RunRequest, RunResult } from "./types.ts";

const URLS = { cloudUrl: "http://127.0.0.1:3210/", siteUrl: "http://127.0.0.1:3211" };
const anonymous: Caller = { kind: "anonymous" };
const admin: Caller = { kind: "admin" };
const user: Caller = {
  kind: "user",
  identity: {
    subject: "user-1",
    issuer: "https://issuer.example",
    tokenIdentifier: "https://issuer.example|user-1",
    email: "ann@example.com",
  },
};

function valueOf(result: RunResult): unknown {
  if (result.status !== "success") throw new Error(`Expected success, got: ${result.errorMessage}`);
  return result.value;
}

function errorOf(result: RunResult): Extract<RunResult, { status: "error" }> {
  if (result.status !== "error") throw new Error(`Expected an error, got ${JSON.stringify(result.value)}`);
  return result;
}

describe("an engine serving the bundled fixture app", () => {
  let dirs: TempDirs;
  let engine: PersistentEngine;
  let app: AppDeployment;
  const call = (udfPath: string, args: Record<string, unknown> = {}, more: Partial<RunRequest> = {}) =>
    engine.run({ componentPath: "", udfPath, args, caller: anonymous, ...more });

  beforeAll(async () => {
    dirs = createTempDirs();
    ({ app } = await bundleFixtureApp({ outDir: dirs.modulesDir("v1"), version: "v1" }));
    engine = await createEngine({ dataDir: dirs.dataDir(), ...URLS });
    await engine.deploy(app);
  });

  afterAll(async () => {
    await engine.close();
    dirs.remove();
  });

  test("runs in Node 22 and serves the deployed app", () => {
    expect(Number(process.versions.node.split(".")[0])).toBeGreaterThanOrEqual(22);
    expect(engine.current()).toBe(app);
  });

  test('runs a mutation, a query with its log lines, and a "use node" action', async () => {
    const id = valueOf(await call("messages:send", { body: "hello", author: "ann" }));
    expect(id).toEqual(expect.stringMatching(/messages$/));
    const listed = await call("messages:list");
    expect(valueOf(listed)).toEqual([
      expect.objectContaining({ _id: id, body: "hello", author: "ann", _creationTime: expect.any(Number) }),
    ]);
    expect(listed.logLines).toEqual(["[LOG] 'listing' { n: 1 }"]);
    const digested = await call("nodeActions:digest", { text: "abc" });
    expect(valueOf(digested)).toEqual({
      sha256: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
      messages: 1,
    });
    expect(digested.logLines).toEqual(["[LOG] 'listing' { n: 1 }", "[INFO] 'digesting' 'abc'"]);
  });

  test("a root function calls into a component; admins may call the component directly", async () => {
    expect(valueOf(await call("messages:bumpCounter", { name: "visits" }))).toBe(1);
    expect(valueOf(await call("messages:bumpCounter", { name: "visits" }))).toBe(2);
    const direct: RunRequest = {
      componentPath: "counter",
      udfPath: "lib:get",
      args: { name: "visits" },
      caller: admin,
    };
    expect(valueOf(await engine.run(direct))).toBe(2);
    expect(errorOf(await engine.run({ ...direct, caller: anonymous, expectedType: "query" })).errorMessage).toContain(
      "Could not find public function for 'lib:get' in 'counter'.",
    );
  });

  test("internal functions are for admins only, and look missing to everyone else", async () => {
    expect(valueOf(await call("messages:secret", {}, { caller: admin }))).toBe("internal only");
    for (const caller of [anonymous, user]) {
      // The public routes (a typed request) and the admin route (`/api/function`) word it as the backend does.
      const { errorMessage } = errorOf(await call("messages:secret", {}, { caller, expectedType: "query" }));
      expect(errorMessage).toBe(
        errorMessage.split("\n")[0] + "\nCould not find public function for 'messages:secret'.",
      );
      expect(errorMessage).toMatch(/^\[Request ID: [0-9a-f]{16}\] Server Error\n/);
      expect(errorOf(await call("messages:secret", {}, { caller })).errorMessage).toContain(
        "Could not find function for 'messages:secret'. Did you forget to run `npx convex dev`?",
      );
    }
  });

  test("unknown functions and modules report `Could not find function`", async () => {
    expect(errorOf(await call("messages:nope")).errorMessage).toContain("Could not find function for 'messages:nope'");
    expect(errorOf(await call("nowhere:fn")).errorMessage).toContain("Could not find function for 'nowhere:fn'");
    expect(errorOf(await call("messages.js:nope")).errorMessage).toContain(
      "Could not find function for 'messages:nope'",
    );
  });

  test("expectedType must match the function's type", async () => {
    expect(errorOf(await call("messages:list", {}, { expectedType: "mutation" })).errorMessage).toContain(
      "Trying to execute messages:list as Mutation, but it is defined as Query.",
    );
    expect(valueOf(await call("messages:list", {}, { expectedType: "query" }))).toEqual(expect.any(Array));
  });

  test("user identities and admins acting as a user reach ctx.auth", async () => {
    expect(valueOf(await call("messages:whoami"))).toBeNull();
    expect(valueOf(await call("messages:whoami", {}, { caller: user }))).toEqual({
      subject: "user-1",
      issuer: "https://issuer.example",
      tokenIdentifier: "https://issuer.example|user-1",
      email: "ann@example.com",
    });
    const actingAs = { subject: "u2", issuer: "https://issuer.example" };
    expect(valueOf(await call("messages:whoami", {}, { caller: { kind: "admin", actingAs } }))).toMatchObject({
      subject: "u2",
      tokenIdentifier: "https://issuer.example|u2",
    });
  });

  test("a ConvexError becomes errorData, with the log lines of the failed call", async () => {
    const failed = errorOf(await call("messages:fail"));
    expect(failed.errorMessage).toMatch(/\] Server Error\nUncaught ConvexError: /);
    expect(failed.errorData).toEqual({ code: "BOOM", big: 7n });
    expect(failed.logLines).toEqual(["[WARN] 'about to fail'"]);
    const invalid = errorOf(await call("messages:send", { body: 1, author: "x" }));
    expect(invalid.errorMessage).toContain(
      "Server Error\nArgumentValidationError: Value does not match validator.\nPath: .body\nValue: 1.0\nValidator: v.string()",
    );
    expect(invalid.errorData).toBeUndefined();
  });

  test("functions see deployment env vars and the system URLs in process.env", async () => {
    engine.setEnvironmentVariables({ FIXTURE_VAR: "first" });
    expect(valueOf(await call("messages:env"))).toEqual({
      custom: "first",
      cloudUrl: "http://127.0.0.1:3210",
      siteUrl: "http://127.0.0.1:3211",
    });
    engine.setEnvironmentVariables({});
    expect(valueOf(await call("messages:env"))).toMatchObject({ custom: null });
    expect(process.env.FIXTURE_VAR).toBeUndefined();
  });

  test("ctx.auth.signJwt signs with the key engine.jwks() publishes", async () => {
    const token = valueOf(await call("messages:signToken")) as string;
    const [header, payload, signature] = token.split(".") as [string, string, string];
    const { kid } = JSON.parse(Buffer.from(header, "base64url").toString()) as { kid: string };
    const jwk = engine.jwks().keys.find((key) => key.kid === kid);
    expect(jwk).toBeDefined();
    const key = await crypto.subtle.importKey("jwk", jwk!, { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]);
    const data = new TextEncoder().encode(`${header}.${payload}`);
    expect(
      await crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, key, Buffer.from(signature, "base64url"), data),
    ).toBe(true);
    expect(JSON.parse(Buffer.from(payload, "base64url").toString())).toMatchObject({
      iss: "http://127.0.0.1:3210",
      aud: "fixture",
    });
  });

  test("file storage round-trips", async () => {
    const id = valueOf(await call("files:store", { text: "file body" }));
    expect(valueOf(await call("files:read", { id }))).toBe("file body");
    expect(valueOf(await call("files:metadata", { id }))).toMatchObject({
      _id: id,
      size: 9,
      contentType: "text/plain",
    });
  });

  test("concurrent calls are serialized by convex-test and keep their own log lines", async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        i % 2 === 0 ? call("messages:send", { body: `m${i}`, author: "par" }) : call("messages:list"),
      ),
    );
    const ids = results.filter((_, i) => i % 2 === 0).map(valueOf);
    expect(new Set(ids).size).toBe(10);
    for (const listed of results.filter((_, i) => i % 2 === 1)) {
      expect(listed.logLines).toHaveLength(1);
      expect(listed.logLines[0]).toMatch(/^\[LOG\] 'listing' \{ n: \d+ \}$/);
    }
  });

  test("onCommit reports durable commits with their tables", async () => {
    const commits: { ts: bigint; tables: unknown[] }[] = [];
    const unsubscribe = engine.onCommit((commit) => commits.push(commit));
    await call("messages:send", { body: "b", author: "c" });
    await call("messages:list");
    unsubscribe();
    expect(commits).toEqual([{ ts: engine.lastCommitTs(), tables: [{ componentPath: "", tableName: "messages" }] }]);
  });
});

describe("an engine before and between deployments", () => {
  let dirs: TempDirs;

  beforeAll(() => {
    dirs = createTempDirs();
  });

  afterAll(() => dirs.remove());

  test("reports unknown functions before the first push", async () => {
    const engine = await createEngine({ dataDir: dirs.dataDir("empty"), ...URLS });
    expect(engine.current()).toBeNull();
    const result = await engine.run({ componentPath: "", udfPath: "messages:list", args: {}, caller: anonymous });
    expect(errorOf(result).errorMessage).toContain("Could not find function for 'messages:list'");
    await engine.close();
  });

  test("runs crons through the scheduler and stops them when a push drops them", async () => {
    const { app, crons } = await bundleFixtureApp({ outDir: dirs.modulesDir("crons"), version: "crons" });
    const engine = await createEngine({ dataDir: dirs.dataDir("crons"), ...URLS });
    await engine.deploy({ ...app, crons });
    const ticks = async () =>
      (
        valueOf(
          await engine.run({ componentPath: "", udfPath: "scheduled:events", args: {}, caller: anonymous }),
        ) as string[]
      ).filter((name) => name === "tick").length;
    await new Promise((resolve) => setTimeout(resolve, 2300));
    const ran = await ticks();
    expect(ran).toBeGreaterThanOrEqual(1);
    expect(ran).toBeLessThanOrEqual(3);
    await engine.deploy({ ...app, version: "crons-2", crons: [] });
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(await ticks()).toBeLessThanOrEqual(ran + 1);
    const jobs = valueOf(
      await engine.run({ componentPath: "", udfPath: "scheduled:jobs", args: {}, caller: anonymous }),
    ) as {
      name: string;
      state: { kind: string };
    }[];
    expect(jobs.filter((job) => job.name === "scheduled:record").every((job) => job.state.kind === "success")).toBe(
      true,
    );
    await engine.close();
  });
});
