/**
 * A component's functions see only the system environment variables
 * (`CONVEX_CLOUD_URL`, `CONVEX_SITE_URL`), never the app's, as Convex
 * documents ("A component's functions are isolated from the app's
 * environment variables and cannot access just any value from the app's
 * `process.env`", docs: Authoring Components). Pushed with the real CLI,
 * called through the real client.
 *
 * Regression: every component ran under the app's `process.env`, so a
 * component read the app's secrets, and worked locally on a variable it
 * would never see on Convex.
 */
import { ConvexHttpClient } from "convex/browser";
import { anyApi } from "convex/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConvexLocal } from "../server/start-convex-local.ts";
import { copyFixtureApp, dataDirIn, makeScratchDir, pushOnce, startTestServer } from "../test-fixtures/cli-harness.ts";
import { setEnv } from "../test-fixtures/start-hardening-app.ts";

const api = anyApi;
type Env = Record<string, string>;

let scratch: { dir: string; cleanup(): Promise<void> };
let server: ConvexLocal;
let client: ConvexHttpClient;
let system: Env;

beforeAll(async () => {
  scratch = await makeScratchDir();
  const appDir = await copyFixtureApp("../engine/test-fixtures/semantics-app", scratch.dir);
  server = await startTestServer(dataDirIn(scratch.dir));
  await pushOnce(appDir, server);
  await setEnv(server, { APP_SECRET: "app-only" });
  client = new ConvexHttpClient(server.cloudUrl, { logger: false });
  system = { CONVEX_CLOUD_URL: server.cloudUrl, CONVEX_SITE_URL: server.siteUrl };
}, 180_000);

afterAll(async () => {
  await server?.stop();
  await scratch?.cleanup();
});

describe("a component's process.env", () => {
  it("holds only the system URLs in a query the app runs, and at the component's module load", async () => {
    const { component, appAfter } = (await client.query(api.componentEnv.fromQuery, {})) as {
      component: { env: Env; atModuleLoad: Env };
      appAfter: Env;
    };
    expect(component.env).toEqual(system);
    expect(component.atModuleLoad).toEqual(system);
    // Back in the app, its own variables again.
    expect(appAfter).toEqual({ ...system, APP_SECRET: "app-only" });
  });

  it("holds only the system URLs in an action the app runs", async () => {
    const { component, appBefore, appAfter } = (await client.action(api.componentEnv.fromAction, {})) as Record<
      string,
      Env
    >;
    expect(component).toEqual(system);
    expect(appBefore).toEqual({ ...system, APP_SECRET: "app-only" });
    expect(appAfter).toEqual(appBefore);
  });
});
