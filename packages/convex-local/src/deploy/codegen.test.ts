import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConvexLocal } from "../server/start-convex-local.ts";
import {
  copyFixtureApp,
  dataDirIn,
  ensureBetterAuthBuilt,
  expectSuccess,
  makeScratchDir,
  runCli,
  runTsc,
  startTestServer,
} from "../test-fixtures/cli-harness.ts";

let scratch: { dir: string; cleanup(): Promise<void> };
let server: ConvexLocal;

beforeAll(async () => {
  ensureBetterAuthBuilt();
  scratch = await makeScratchDir();
  server = await startTestServer(dataDirIn(scratch.dir));
});

afterAll(async () => {
  await server?.stop();
  await scratch?.cleanup();
});

/** Uses the generated `components.betterAuth` with the component's real argument types. */
const USES_COMPONENT = `import { queryGeneric } from "convex/server";
import { components } from "./_generated/api";

export const firstUser = queryGeneric({
  args: {},
  handler: async (ctx) => await ctx.runQuery(components.betterAuth.adapter.findOne, { model: "user", where: [] }),
});
`;

describe("npx convex codegen", () => {
  it("types components.betterAuth from the component package and type-checks", async () => {
    const app = await copyFixtureApp("basic-app", scratch.dir);
    await writeFile(path.join(app, "convex/usesComponent.ts"), USES_COMPONENT);
    expectSuccess(await runCli(app, server, ["codegen", "--typecheck", "disable"]), "convex codegen");

    const api = await readFile(path.join(app, "convex/_generated/api.d.ts"), "utf8");
    expect(api).toContain(
      'betterAuth: import("convex-better-auth/_generated/component.js").ComponentApi<"betterAuth">;',
    );
    const tsc = await runTsc(path.join(app, "convex"));
    expect(tsc.output).toBe("");
    expect(tsc.code).toBe(0);

    // codegen only calls start_push: nothing was deployed.
    const hashes = await fetch(`${server.cloudUrl}/api/get_config_hashes`, {
      method: "POST",
      headers: { Authorization: `Convex ${server.adminKey}`, "Content-Type": "application/json" },
      body: "{}",
    });
    expect(((await hashes.json()) as { moduleHashes: unknown[] }).moduleHashes).toEqual([]);
  });
});
