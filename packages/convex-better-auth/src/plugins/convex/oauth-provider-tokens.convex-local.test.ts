// @vitest-environment node
/**
 * #15 item 3 on a real backend: the OAuth provider's tokens against Convex's
 * own JWT check. `src/test-utils/oauth-provider-app` (convex(), jwt() with
 * convexSafeJwtAdapter(), oauthProvider()) is pushed with the real Convex CLI
 * to a convex-local child process, which verifies bearer tokens per
 * auth.config.ts as Convex does; tokens come from the deployment's HTTP API
 * and go back in through `ConvexHttpClient.setAuth`. The in-process test
 * (`oauth-provider-coexistence.test.ts`) checks the same claims against a
 * stand-in for that check.
 */
import type { ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { copyFile, cp, mkdir, writeFile } from "node:fs/promises";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ConvexHttpClient } from "convex/browser";
import { decodeJwt, decodeProtectedHeader, type JSONWebKeySet } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConvexLocalProcess } from "../../../../convex-local/src/test-fixtures/convex-local-process.ts";
import { sessionCookies } from "../../test-utils/fuzz/auth-requests.js";
import {
  authorizationCodeFlow,
  registerPublicClient,
  type OAuthServer,
  type OAuthTokens,
} from "../../test-utils/oauth-client-flow.js";
import { api } from "../../test-utils/oauth-provider-app/convex/_generated/api.js";
import { RESOURCE } from "../../test-utils/oauth-provider-app/convex/auth.js";

const APP = fileURLToPath(new URL("../../test-utils/oauth-provider-app/", import.meta.url));
const BASE = "/api/auth";
const REDIRECT_URI = "https://client.example.com/cb";

/**
 * convex-local's test helpers (start a child process, push with the real
 * CLI). They load node:sqlite, whose ExperimentalWarning Node 22 prints once
 * per process; that one warning is dropped while they load, as convex-local's
 * launcher does, so a passing run stays quiet.
 */
async function loadConvexLocalHarness() {
  const emitWarning = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: never[]) => {
    const text = typeof warning === "string" ? warning : warning.message;
    if (!text.includes("SQLite is an experimental feature")) emitWarning.call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    return {
      ...(await import("../../../../convex-local/src/test-fixtures/convex-local-process.ts")),
      ...(await import("../../../../convex-local/src/test-fixtures/cli-harness.ts")),
    };
  } finally {
    process.emitWarning = emitWarning;
  }
}

/**
 * `fetch` over node:http. Node's own fetch always sends
 * `sec-fetch-mode: cors`, on which the provider answers the authorize
 * request with JSON meant for a page's script; a browser navigating there
 * gets the 302 that the client flow follows.
 */
async function navigate(request: Request): Promise<Response> {
  const body = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
  return await new Promise((resolve, reject) => {
    const outgoing = http.request(
      request.url,
      { method: request.method, headers: Object.fromEntries(request.headers) },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
        incoming.on("end", () => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(incoming.headers))
            for (const item of [value ?? []].flat()) headers.append(name, item);
          resolve(new Response(Buffer.concat(chunks), { status: incoming.statusCode, headers }));
        });
        incoming.on("error", reject);
      },
    );
    outgoing.on("error", reject);
    outgoing.end(body);
  });
}

let harness: Awaited<ReturnType<typeof loadConvexLocalHarness>>;
let scratch: { dir: string; cleanup(): Promise<void> };
let appDir: string;
let server: ConvexLocalProcess;
const children: ChildProcess[] = [];
let cookie: string;
let userId: string;
let clientId: string;
let tokens: OAuthTokens;

const site = (pathname: string) => `${server.siteUrl}${BASE}${pathname}`;

async function getJson<T>(pathname: string, headers: HeadersInit = {}): Promise<T> {
  const response = await fetch(site(pathname), { headers });
  expect(response.status, `${pathname}: ${await response.clone().text()}`).toBe(200);
  return (await response.json()) as T;
}

const convexToken = async () => (await getJson<{ token: string }>("/convex/token", { cookie })).token;
const kids = (set: JSONWebKeySet) => set.keys.map((key) => key.kid);

/**
 * Convex's view of `token` through a real client: the identity and the
 * session's user, or the HTTP status and `{ code, message }` it refused the
 * token with.
 */
async function callAs(token: string) {
  let status = 0;
  const client = new ConvexHttpClient(server.cloudUrl, {
    logger: false,
    fetch: async (input, init) => {
      const response = await fetch(input, init);
      status = response.status;
      return response;
    },
  });
  client.setAuth(token);
  try {
    return {
      identity: await client.query(api.identity.whoami, {}),
      user: await client.query(api.identity.currentUser, {}),
    };
  } catch (error) {
    // The client throws the body of a non-2xx answer as the message.
    return { status, error: JSON.parse((error as Error).message) as { code: string; message: string } };
  }
}

beforeAll(async () => {
  harness = await loadConvexLocalHarness();
  const { buildConvexLocal, ensureBetterAuthBuilt, makeScratchDir, PACKAGE_DIR, pushOnce, startConvexLocalProcess } =
    harness;
  ensureBetterAuthBuilt();
  if (!existsSync(path.join(PACKAGE_DIR, "dist/cli.js"))) buildConvexLocal();
  scratch = await makeScratchDir();
  appDir = path.join(scratch.dir, "app");
  await mkdir(appDir, { recursive: true });
  await cp(path.join(APP, "convex"), path.join(appDir, "convex"), { recursive: true });
  await writeFile(
    path.join(appDir, "package.json"),
    JSON.stringify({
      name: "oauth-provider-app",
      private: true,
      type: "module",
      dependencies: { convex: "1.49.0", "convex-better-auth": "*", "@better-auth/oauth-provider": "*" },
    }),
  );
  server = await startConvexLocalProcess(path.join(scratch.dir, "data"), children);
  const env = await fetch(`${server.cloudUrl}/api/update_environment_variables`, {
    method: "POST",
    headers: { authorization: `Convex ${server.adminKey}`, "content-type": "application/json" },
    body: JSON.stringify({
      changes: [{ name: "BETTER_AUTH_SECRET", value: "oauth-provider-secret-0123456789abcdef" }],
    }),
  });
  expect(env.status).toBe(200);
  await pushOnce(appDir, server);

  const signUp = await fetch(site("/sign-up/email"), {
    method: "POST",
    headers: { "content-type": "application/json", origin: server.siteUrl },
    body: JSON.stringify({ name: "Ada", email: "ada@example.com", password: "correct horse battery 1" }),
  });
  expect(signUp.status, await signUp.clone().text()).toBe(200);
  cookie = sessionCookies(signUp);
  userId = (await getJson<{ user: { id: string } }>("/get-session", { cookie })).user.id;

  // Authorization code + PKCE for RESOURCE against the deployment's site, as an MCP client would.
  const oauth: OAuthServer = {
    origin: server.siteUrl,
    basePath: BASE,
    fetch: navigate,
  };
  const browser = { cookie: () => cookie };
  clientId = await registerPublicClient(oauth, browser, REDIRECT_URI);
  ({ tokens } = await authorizationCodeFlow(oauth, browser, {
    clientId,
    redirectUri: REDIRECT_URI,
    resource: RESOURCE,
  }));
}, 240_000);

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await scratch?.cleanup();
});

describe("Convex's JWT check with the OAuth provider next to convex()", () => {
  it("the tokens under test: the Convex JWT, and the provider's access token (for RESOURCE) and ID token (for the client)", async () => {
    expect(decodeJwt(await convexToken())).toMatchObject({ iss: server.siteUrl, aud: "convex", sub: userId });
    const access = decodeJwt(tokens.access_token);
    expect(access).toMatchObject({ iss: site(""), sub: userId });
    expect([access.aud].flat()).toContain(RESOURCE);
    expect(decodeJwt(tokens.id_token!)).toMatchObject({ iss: site(""), sub: userId, aud: clientId });
  });

  it("accepts a first-party session's /convex/token JWT: identity present, getAuthUser finds the user", async () => {
    const result = await callAs(await convexToken());
    expect(result).toMatchObject({
      identity: { issuer: server.siteUrl, subject: userId, tokenIdentifier: `${server.siteUrl}|${userId}` },
      user: { _id: userId, email: "ada@example.com" },
    });
  });

  it("refuses the OAuth access and ID tokens under the default auth.config.ts", async () => {
    // Convex picks a provider by `iss` and `aud` before it looks at the
    // signature. getAuthConfigProvider() wants iss = CONVEX_SITE_URL and
    // aud = "convex"; the provider's tokens carry iss = CONVEX_SITE_URL/api/auth
    // and aud = the resource (access token) or the client id (ID token). So
    // the HTTP request itself fails (401, code NoAuthProvider) and no
    // function runs: over HTTP a refused token never becomes "identity
    // absent". (The WebSocket client would instead drop the token and rerun
    // its queries signed out.)
    for (const token of [tokens.access_token, tokens.id_token!]) {
      expect(await callAs(token)).toEqual({
        status: 401,
        error: {
          code: "NoAuthProvider",
          message: expect.stringContaining(`[CustomJWT(issuer=${server.siteUrl}, app_id=convex)]`),
        },
      });
    }
  });

  it("with the README's opt-in provider, accepts the OAuth access token as the provider's identity; the Convex token still works; the JWKS do not overlap", async () => {
    await copyFile(path.join(APP, "opt-in/auth.config.ts"), path.join(appDir, "convex/auth.config.ts"));
    await harness.pushOnce(appDir, server);

    const oauth = await callAs(tokens.access_token);
    expect(oauth).toMatchObject({
      identity: { issuer: site(""), subject: userId, tokenIdentifier: `${site("")}|${userId}` },
      // An access token is no first-party session (it has no sessionId
      // claim), so getAuthUser does not sign its bearer in; apps that accept
      // these tokens read ctx.auth.getUserIdentity() and check the issuer.
      user: null,
    });
    expect(await callAs(await convexToken())).toMatchObject({
      identity: { issuer: server.siteUrl, subject: userId },
      user: { _id: userId },
    });
    // The ID token is for the client (aud = client id), not for RESOURCE.
    expect(await callAs(tokens.id_token!)).toMatchObject({ status: 401, error: { code: "NoAuthProvider" } });

    const convexKids = kids(await getJson<JSONWebKeySet>("/convex/jwks"));
    const jwtKids = kids(await getJson<JSONWebKeySet>("/jwks"));
    expect(convexKids.length).toBeGreaterThan(0);
    expect(jwtKids.length).toBeGreaterThan(0);
    expect(convexKids.filter((kid) => jwtKids.includes(kid))).toEqual([]);
    expect(convexKids).toContain(decodeProtectedHeader(await convexToken()).kid);
    expect(jwtKids).toContain(decodeProtectedHeader(tokens.access_token).kid);
  });
});
