import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConvexLocal } from "../server/start-convex-local.ts";
import { deploymentOf } from "./commit-push.ts";
import { DeployStore } from "./deploy-store.ts";
import {
  copyFixtureApp,
  dataDirIn,
  ensureBetterAuthBuilt,
  makeScratchDir,
  pushOnce,
  runFunction,
  runTsc,
  startTestServer,
} from "../test-fixtures/cli-harness.ts";

let scratch: { dir: string; cleanup(): Promise<void> };
let server: ConvexLocal;
let app: string;
let pushOutput: string;

beforeAll(async () => {
  ensureBetterAuthBuilt();
  scratch = await makeScratchDir();
  app = await copyFixtureApp("rich-app", scratch.dir);
  server = await startTestServer(dataDirIn(scratch.dir));
  pushOutput = (await pushOnce(app, server)).output;
});

afterAll(async () => {
  await server?.stop();
  await scratch?.cleanup();
});

describe("an app with a local component, http.ts, crons, auth.config.ts and a Node action", () => {
  it("pushes with `dev --once` and installs both components", () => {
    expect(pushOutput).toContain("Installed component betterAuth.");
    expect(pushOutput).toContain("Installed component counter.");
    expect(pushOutput).toContain("Convex functions ready!");
  });

  it("hands the engine crons, auth providers and one module directory per component", () => {
    const store = DeployStore.open(dataDirIn(scratch.dir));
    try {
      const app = deploymentOf(path.join(dataDirIn(scratch.dir), "modules"), store.deployedState()!);
      expect(app.crons).toEqual([
        { identifier: "record a ping", udfPath: "pings:record", args: [{}], schedule: { type: "interval", hours: 1 } },
      ]);
      expect(app.authConfig).toEqual([{ domain: server.siteUrl, applicationID: "convex" }]);
      expect(app.components.map((c) => c.componentPath).sort()).toEqual(["", "betterAuth", "counter"]);
      const root = app.components.find((c) => c.componentPath === "")!;
      expect(root.modules).toEqual(["counters.js", "crons.js", "crypto.js", "http.js", "pings.js"]);
      expect(root.hasSchema).toBe(true);
      expect(existsSync(path.join(root.modulesDir, "package.json"))).toBe(true);
    } finally {
      store.close();
    }
  });

  it('runs the "use node" action', async () => {
    expect(await runFunction(app, server, "crypto:sha256", { text: "a" })).toBe(
      "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb",
    );
  });

  it("runs the local component through the app and directly with --component", async () => {
    expect(await runFunction(app, server, "counters:bump", { name: "visits" })).toBe(1);
    expect(await runFunction(app, server, "counters:bump", { name: "visits" })).toBe(2);
    expect(await runFunction(app, server, "lib:get", { name: "visits" }, ["--component", "counter"])).toBe(2);
  });

  it("generates the local component's API from the server's analysis, and it type-checks", async () => {
    const componentApi = await readFile(path.join(app, "counter/_generated/component.ts"), "utf8");
    expect(componentApi).toMatch(/increment: FunctionReference<\s*"mutation",\s*"internal"/);
    const tsc = await runTsc(path.join(app, "convex"));
    expect(tsc.output).toBe("");
  });

  it("serves the app's HTTP actions on the site port, with the router's 404 text", async () => {
    const unrouted = await fetch(`${server.siteUrl}/nowhere`);
    expect(unrouted.status).toBe(404);
    expect(await unrouted.text()).toBe("No HttpAction routed for /nowhere");
    const routed = await fetch(`${server.siteUrl}/hello`);
    expect(routed.status).toBe(200);
    expect(await routed.text()).toBe("hello from http.ts");
    const viaCloud = await fetch(`${server.cloudUrl}/http/nowhere`);
    expect(await viaCloud.text()).toBe("No HttpAction routed for /nowhere");
  });

  it("serves readiness and the deployment's JWKS on the cloud port", async () => {
    expect((await fetch(`${server.cloudUrl}/version`)).status).toBe(200);
    const jwks = (await (await fetch(`${server.cloudUrl}/.well-known/jwks.json`)).json()) as { keys: unknown[] };
    expect(jwks.keys.length).toBeGreaterThan(0);
    const unknown = await fetch(`${server.cloudUrl}/api/not_a_route`, {
      headers: { Authorization: `Convex ${server.adminKey}` },
    });
    expect(unknown.status).toBe(400);
  });
});
