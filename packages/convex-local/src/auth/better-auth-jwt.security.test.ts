/**
 * JWT forgery against convex-local's token verification, with the real
 * tokens Better Auth's `convex()` plugin mints at `/api/auth/convex/token`
 * and the provider `getAuthConfigProvider()` puts in auth.config.ts. The
 * deployment's site is a node:http server running Better Auth (memory
 * adapter), so the JWKS is fetched over HTTP as in production.
 * `authenticateToken` is the single path HTTP (`Authorization: Bearer`) and
 * the sync socket (`Authenticate`) take.
 */
import { createHmac, generateKeyPairSync, sign } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { memoryAdapter } from "@better-auth/memory-adapter";
import { betterAuth } from "better-auth";
import { getAuthTables } from "better-auth/db";
import { getAuthConfigProvider } from "convex-better-auth/auth-config";
import { convex } from "convex-better-auth/plugins";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { AuthProviderConfig } from "../engine/types.ts";
import { authenticateToken, clearHttpCache, resetKidMissRateLimit } from "./index.ts";

const BASE = "http://localhost:3000";
let server: Server;
let siteUrl: string;
let handler: (request: Request) => Promise<Response> = async () => new Response(null, { status: 404 });
const previousSiteUrl = process.env.CONVEX_SITE_URL;

function makeAuth() {
  const authConfig = { providers: [getAuthConfigProvider()] };
  const options = {
    baseURL: BASE,
    secret: "better-auth-jwt-security-secret-0123456789",
    emailAndPassword: {
      enabled: true,
      password: {
        hash: async (p: string) => p,
        verify: async (x: { hash: string; password: string }) => x.hash === x.password,
      },
    },
    logger: { disabled: true },
    plugins: [convex({ authConfig })],
  };
  const db: Record<string, Record<string, unknown>[]> = {};
  for (const table of Object.values(getAuthTables(options as never))) db[table.modelName] = [];
  return betterAuth({ ...options, database: memoryAdapter(db) } as never) as unknown as {
    handler: (request: Request) => Promise<Response>;
    api: { rotateKeys(): Promise<unknown>; getLatestJwks(): Promise<unknown> };
  };
}

let auth: ReturnType<typeof makeAuth>;

async function mintToken(email: string): Promise<string> {
  const signUp = await auth.handler(
    new Request(`${BASE}/api/auth/sign-up/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: BASE },
      body: JSON.stringify({ name: email, email, password: "correct horse 1" }),
    }),
  );
  expect(signUp.status).toBe(200);
  const cookie = signUp.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const response = await fetch(`${siteUrl}/api/auth/convex/token`, { headers: { cookie } });
  expect(response.status).toBe(200);
  return ((await response.json()) as { token: string }).token;
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const parts = (token: string) => {
  const [h, p, s] = token.split(".");
  return {
    header: JSON.parse(Buffer.from(h!, "base64url").toString()),
    payload: JSON.parse(Buffer.from(p!, "base64url").toString()),
    h: h!,
    p: p!,
    s: s!,
  };
};

type Rejection = { code: string; status: number; message: string };
async function rejection(token: string, providers: AuthProviderConfig[], now?: number): Promise<Rejection> {
  const error = await authenticateToken(token, providers, now === undefined ? {} : { now }).then(
    () => null,
    (e: unknown) => e as Rejection,
  );
  if (error === null) throw new Error("the token was accepted");
  return { code: error.code, status: error.status, message: error.message };
}

const kidMessage = (kid: string) =>
  `Could not decode token. The JWT's 'kid' (key ID) header is '${kid}', does this key match any key in the provider's JWKS?`;

let providers: AuthProviderConfig[];

beforeAll(async () => {
  server = createServer((req, res) => void serve(req, res));
  async function serve(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = chunks.length ? Buffer.concat(chunks) : undefined;
    const request = new Request(`${siteUrl}${req.url}`, {
      method: req.method,
      headers: req.headers as Record<string, string>,
      ...(body && req.method !== "GET" ? { body } : {}),
    });
    const response = await handler(request);
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  }
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  siteUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.env.CONVEX_SITE_URL = siteUrl;
  auth = makeAuth();
  handler = (request) => auth.handler(request);
  providers = [getAuthConfigProvider() as AuthProviderConfig];
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  if (previousSiteUrl === undefined) delete process.env.CONVEX_SITE_URL;
  else process.env.CONVEX_SITE_URL = previousSiteUrl;
});

beforeEach(() => {
  clearHttpCache();
  resetKidMissRateLimit();
});

describe("tokens from the real convex() plugin", () => {
  it("a genuine token authenticates; forged variants do not, with InvalidAuthHeader 401", async () => {
    const token = await mintToken("ada@example.com");
    const genuine = await authenticateToken(token, providers);
    const { header, payload, h, p, s } = parts(token);
    expect(genuine.identity.subject).toBe(payload.sub);
    expect(genuine.identity.tokenIdentifier).toBe(`${siteUrl}|${payload.sub}`);

    // alg: none, with and without a signature.
    const none = b64({ alg: "none", typ: "JWT", kid: header.kid });
    for (const forged of [`${none}.${p}.`, `${none}.${p}.${s}`]) {
      expect(await rejection(forged, providers)).toMatchObject({ code: "InvalidAuthHeader", status: 401 });
    }
    // HS256 keyed with the published RSA public key (the classic key-confusion attack).
    const jwks = (await (await fetch(`${siteUrl}/api/auth/convex/jwks`)).json()) as {
      keys: { n: string; kid: string }[];
    };
    const hs = b64({ alg: "HS256", typ: "JWT", kid: header.kid });
    for (const secret of [JSON.stringify(jwks.keys[0]), jwks.keys[0]!.n]) {
      const mac = createHmac("sha256", secret).update(`${hs}.${p}`).digest("base64url");
      expect(await rejection(`${hs}.${p}.${mac}`, providers)).toMatchObject({ code: "InvalidAuthHeader", status: 401 });
    }
    // Tampered payload: another subject under the genuine signature.
    const tampered = `${h}.${b64({ ...payload, sub: "someone-else" })}.${s}`;
    expect(await rejection(tampered, providers)).toEqual({
      code: "InvalidAuthHeader",
      status: 401,
      message: kidMessage(header.kid),
    });
    // Unknown kid: an attacker's own RSA key.
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const ownHeader = b64({ alg: "RS256", typ: "JWT", kid: "attacker-key" });
    const ownSig = sign("sha256", Buffer.from(`${ownHeader}.${p}`), privateKey).toString("base64url");
    expect(await rejection(`${ownHeader}.${p}.${ownSig}`, providers)).toEqual({
      code: "InvalidAuthHeader",
      status: 401,
      message: kidMessage("attacker-key"),
    });
    // The attacker's key under the genuine kid.
    const sameKid = b64({ ...header });
    const sameKidSig = sign("sha256", Buffer.from(`${sameKid}.${p}`), privateKey).toString("base64url");
    expect(await rejection(`${sameKid}.${p}.${sameKidSig}`, providers)).toMatchObject({
      code: "InvalidAuthHeader",
      status: 401,
    });
  });

  it("expires: rejected past exp (beyond the 5 s leeway) with the backend's message", async () => {
    const token = await mintToken("exp@example.com");
    const { payload } = parts(token);
    expect(await rejection(token, providers, (payload.exp + 60) * 1000)).toEqual({
      code: "InvalidAuthHeader",
      status: 401,
      message: "Could not validate token: Token expired 60 seconds ago",
    });
  });

  it("a wrong issuer or audience matches no provider: NoAuthProvider 401", async () => {
    const token = await mintToken("iss@example.com");
    const otherSite: AuthProviderConfig = {
      ...(providers[0] as object),
      issuer: "https://other-deployment.convex.site",
    } as AuthProviderConfig;
    expect(await rejection(token, [otherSite])).toMatchObject({ code: "NoAuthProvider", status: 401 });
    const otherApp = { ...(providers[0] as object), applicationID: "not-convex" } as AuthProviderConfig;
    expect(await rejection(token, [otherApp])).toMatchObject({ code: "NoAuthProvider", status: 401 });
  });

  it("a token signed by a key removed by rotateKeys is rejected; new tokens verify", async () => {
    const old = await mintToken("rot@example.com");
    await authenticateToken(old, providers);
    await auth.api.rotateKeys();
    resetKidMissRateLimit();
    expect(await rejection(old, providers)).toEqual({
      code: "InvalidAuthHeader",
      status: 401,
      message: kidMessage(parts(old).header.kid),
    });
    const fresh = await mintToken("rot2@example.com");
    expect((await authenticateToken(fresh, providers)).identity.subject).toBe(parts(fresh).payload.sub);
  });

  it("a static JWKS (getAuthConfigProvider({ jwks })) that does not match the signing key rejects its tokens", async () => {
    const token = await mintToken("static@example.com");
    // Another deployment's keys, exported the documented way.
    const other = makeAuth();
    const otherJwks = JSON.stringify(await other.api.getLatestJwks());
    const mismatched = [getAuthConfigProvider({ jwks: otherJwks }) as AuthProviderConfig];
    expect(await rejection(token, mismatched)).toEqual({
      code: "InvalidAuthHeader",
      status: 401,
      message: kidMessage(parts(token).header.kid),
    });
    // The matching static JWKS accepts the same token.
    const matching = [
      getAuthConfigProvider({ jwks: JSON.stringify(await auth.api.getLatestJwks()) }) as AuthProviderConfig,
    ];
    expect((await authenticateToken(token, matching)).identity.subject).toBe(parts(token).payload.sub);
  });
});
