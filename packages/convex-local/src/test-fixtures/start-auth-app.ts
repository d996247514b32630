/**
 * Test setup shared by the HTTP API and HTTP action tests: a local identity
 * provider, convex-local on free ports, the `auth-app` fixture pushed with
 * the real CLI after its provider env vars point at the local provider.
 */
import type { ConvexLocal } from "../server/start-convex-local.ts";
import { copyFixtureApp, dataDirIn, makeScratchDir, pushOnce, startTestServer } from "./cli-harness.ts";
import {
  makeSigningKey,
  startLocalIdentityProvider,
  type LocalIdentityProvider,
  type TestSigningKey,
} from "./local-identity-provider.ts";

/** Everything a test of the auth app needs. */
export type AuthAppSetup = {
  server: ConvexLocal;
  idp: LocalIdentityProvider;
  /** The key the `customJwt` RS256 provider (applicationID `convex-local-test`) and the OIDC provider trust. */
  key: TestSigningKey;
  /** The ES256 key behind the `data:` URI provider (issuer `https://data.example`). */
  dataKey: TestSigningKey;
  appDir: string;
  stop(): Promise<void>;
};

/**
 * Starts and pushes the auth app.
 *
 * @example
 * const setup = await startAuthApp();
 * await setup.stop();
 */
export async function startAuthApp(): Promise<AuthAppSetup> {
  const scratch = await makeScratchDir();
  const key = await makeSigningKey("key-1");
  const dataKey = await makeSigningKey("data-key", "ES256");
  const idp = await startLocalIdentityProvider([key]);
  let server: ConvexLocal | undefined;
  const stop = async () => {
    await server?.stop();
    await idp.close();
    await scratch.cleanup();
  };
  try {
    const appDir = await copyFixtureApp("auth-app", scratch.dir);
    server = await startTestServer(dataDirIn(scratch.dir));
    const dataJwks = Buffer.from(JSON.stringify({ keys: [dataKey.publicJwk] })).toString("base64");
    const response = await fetch(`${server.cloudUrl}/api/update_environment_variables`, {
      method: "POST",
      headers: { authorization: `Convex ${server.adminKey}`, "content-type": "application/json" },
      body: JSON.stringify({
        changes: [
          { name: "CUSTOM_ISSUER", value: idp.url },
          { name: "CUSTOM_JWKS", value: idp.jwksUrl },
          { name: "DATA_ISSUER", value: "https://data.example" },
          { name: "DATA_JWKS", value: `data:text/plain;charset=utf-8;base64,${dataJwks}` },
          { name: "OIDC_DOMAIN", value: idp.url },
        ],
      }),
    });
    if (!response.ok) throw new Error(`setting env vars failed: ${response.status} ${await response.text()}`);
    await pushOnce(appDir, server);
    return { server, idp, key, dataKey, appDir, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
