/**
 * Test setup for the rules Convex applies to components (pagination, user
 * identity, Node actions): convex-local in-process on free ports with the
 * `component-rules-app` fixture (an app using the `ledger` component) pushed
 * with the real CLI, its `customJwt` provider trusting a key made here.
 */
import type { ConvexLocal } from "../../server/start-convex-local.ts";
import {
  copyFixtureApp,
  dataDirIn,
  makeScratchDir,
  pushOnce,
  startTestServer,
} from "../../test-fixtures/cli-harness.ts";
import { makeSigningKey, signToken, type TestSigningKey } from "../../test-fixtures/local-identity-provider.ts";
import { setEnv } from "../../test-fixtures/start-hardening-app.ts";

const ISSUER = "https://issuer.component-rules.example";

/** Everything a test of the component rules app needs. */
export type ComponentRulesApp = {
  server: ConvexLocal;
  appDir: string;
  /** A token the app's provider accepts, for the user with subject `subject`. */
  token(subject: string): Promise<string>;
  stop(): Promise<void>;
};

function dataUriJwks(key: TestSigningKey): string {
  return `data:text/plain;charset=utf-8;base64,${Buffer.from(JSON.stringify({ keys: [key.publicJwk] })).toString("base64")}`;
}

/**
 * Starts convex-local and pushes the app.
 *
 * @example
 * const app = await startComponentRulesApp();
 * client.setAuth(await app.token("user-1"));
 * await app.stop();
 */
export async function startComponentRulesApp(): Promise<ComponentRulesApp> {
  const scratch = await makeScratchDir();
  const key = await makeSigningKey("component-rules", "ES256");
  let server: ConvexLocal | undefined;
  const stop = async () => {
    await server?.stop();
    await scratch.cleanup();
  };
  try {
    const appDir = await copyFixtureApp("../engine/test-fixtures/component-rules-app", scratch.dir);
    server = await startTestServer(dataDirIn(scratch.dir));
    await setEnv(server, { TEST_ISSUER: ISSUER, TEST_JWKS: dataUriJwks(key) });
    await pushOnce(appDir, server);
    const token = async (subject: string) => {
      const now = Math.floor(Date.now() / 1000);
      return await signToken(key, { iss: ISSUER, sub: subject, aud: "component-rules", iat: now, exp: now + 600 });
    };
    return { server, appDir, token, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
