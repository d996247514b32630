import { ConvexHttpClient } from "convex/browser";
import { fetchQuery, preloadQuery, preloadedQueryResult } from "convex/nextjs";
import { makeFunctionReference } from "convex/server";
import { ConvexError } from "convex/values";
import { createRemoteJWKSet, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runFunction } from "../test-fixtures/cli-harness.ts";
import { signToken } from "../test-fixtures/local-identity-provider.ts";
import { startAuthApp, type AuthAppSetup } from "../test-fixtures/start-auth-app.ts";

const whoami = makeFunctionReference<"query", Record<string, never>, Record<string, unknown> | null>("identity:whoami");
const whoamiMutation = makeFunctionReference<"mutation", Record<string, never>, Record<string, unknown> | null>(
  "identity:whoamiMutation",
);
const whoamiAction = makeFunctionReference<"action", Record<string, never>, Record<string, unknown> | null>(
  "identity:whoamiAction",
);
const fail = makeFunctionReference<"query", { n: bigint }>("identity:fail");
const sign = makeFunctionReference<"mutation", { sub: string }, string>("identity:sign");
const addNote = makeFunctionReference<"mutation", { text: string }>("notes:add");
const listNotes = makeFunctionReference<"query", { limit?: bigint }, { text: string; owner: string | null }[]>(
  "notes:list",
);

let setup: AuthAppSetup;
const now = () => Math.floor(Date.now() / 1000);

beforeAll(async () => {
  setup = await startAuthApp();
}, 120_000);

afterAll(async () => {
  await setup?.stop();
});

async function userToken(extra: Record<string, unknown> = {}): Promise<string> {
  return await signToken(setup.key, {
    iss: setup.idp.url,
    sub: "user-1",
    aud: "convex-local-test",
    iat: now(),
    exp: now() + 600,
    name: "Ada Lovelace",
    email: "ada@example.com",
    ...extra,
  });
}

describe("ConvexHttpClient against convex-local", () => {
  it("runs queries, mutations and actions anonymously", async () => {
    const client = new ConvexHttpClient(setup.server.cloudUrl);
    expect(await client.query(whoami, {})).toBeNull();
    expect(await client.mutation(whoamiMutation, {})).toBeNull();
    expect(await client.action(whoamiAction, {})).toBeNull();
    await client.mutation(addNote, { text: "anonymous note" });
    expect(await client.query(listNotes, {})).toContainEqual({ text: "anonymous note", owner: null });
  });

  it("passes the identity of a `setAuth` token to every function type", async () => {
    const client = new ConvexHttpClient(setup.server.cloudUrl);
    client.setAuth(await userToken({ properties: { plan: "pro" } }));
    const expected = {
      tokenIdentifier: `${setup.idp.url}|user-1`,
      subject: "user-1",
      issuer: setup.idp.url,
      name: "Ada Lovelace",
      email: "ada@example.com",
      "properties.plan": "pro",
    };
    expect(await client.query(whoami, {})).toEqual(expected);
    expect(await client.mutation(whoamiMutation, {})).toEqual(expected);
    expect(await client.action(whoamiAction, {})).toEqual(expected);
    await client.mutation(addNote, { text: "my note" });
    expect(await client.query(listNotes, {})).toContainEqual({ text: "my note", owner: "user-1" });
  });

  it("accepts OIDC tokens (discovery on the local provider) and data: URI custom JWTs", async () => {
    const client = new ConvexHttpClient(setup.server.cloudUrl);
    client.setAuth(
      await signToken(setup.key, {
        iss: setup.idp.url,
        sub: "oidc-1",
        aud: "oidc-app",
        iat: now(),
        exp: now() + 60,
        given_name: "Grace",
      }),
    );
    expect(await client.query(whoami, {})).toEqual({
      tokenIdentifier: `${setup.idp.url}|oidc-1`,
      subject: "oidc-1",
      issuer: setup.idp.url,
      givenName: "Grace",
    });
    client.setAuth(await signToken(setup.dataKey, { iss: "https://data.example", sub: "d-1", exp: now() + 60 }));
    expect(await client.query(whoami, {})).toMatchObject({
      subject: "d-1",
      tokenIdentifier: "https://data.example|d-1",
    });
  });

  it("answers an invalid token with 401 and the backend's {code, message}", async () => {
    const expired = await userToken({ exp: now() - 60 });
    const response = await fetch(`${setup.server.cloudUrl}/api/query`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${expired}` },
      body: JSON.stringify({ path: "identity:whoami", format: "convex_encoded_json", args: [{}] }),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      code: "InvalidAuthHeader",
      message: expect.stringMatching(/^Could not validate token: Token expired \d+ seconds ago$/),
    });
    const client = new ConvexHttpClient(setup.server.cloudUrl);
    client.setAuth("not.a.jwt");
    await expect(client.query(whoami, {})).rejects.toThrow(/Could not parse JWT payload/);
    client.setAuth(await userToken({ iss: "https://other.example" }));
    await expect(client.mutation(whoamiMutation, {})).rejects.toThrow(
      /NoAuthProvider|No auth provider found matching the given token/,
    );
  });

  it("reports function errors as HTTP 200 status:error with ConvexError data", async () => {
    const response = await fetch(`${setup.server.cloudUrl}/api/query`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        path: "identity:fail",
        format: "convex_encoded_json",
        args: [{ n: { $integer: "BwAAAAAAAAA=" } }],
      }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status: "error", errorData: { reason: "nope", n: { $integer: "BwAAAAAAAAA=" } } });
    expect(body.errorMessage).toMatch(/^\[Request ID: [0-9a-f]{16}\] Server Error\nUncaught ConvexError: /);

    const client = new ConvexHttpClient(setup.server.cloudUrl);
    const error = await client.query(fail, { n: 7n }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConvexError);
    expect((error as ConvexError<{ reason: string; n: bigint }>).data).toEqual({ reason: "nope", n: 7n });
    await expect(client.query(makeFunctionReference<"query">("identity:nope"), {})).rejects.toThrow(
      // The backend says "public function" to non-admins; convex-local's resolver says "function" for a missing module export.
      /Could not find (public )?function for 'identity:nope'/,
    );
  });

  it("serves /api/run/<module>/<function> with clean JSON by default, and GET /api/query", async () => {
    const token = await userToken();
    const run = await fetch(`${setup.server.cloudUrl}/api/run/identity/whoami`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ args: {} }),
    });
    expect(run.status).toBe(200);
    expect(await run.json()).toMatchObject({ status: "success", value: { subject: "user-1" } });
    const list = await fetch(`${setup.server.cloudUrl}/api/run/notes/list`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ args: { limit: { $integer: "AQAAAAAAAAA=" } } }),
    });
    expect(((await list.json()) as { value: unknown[] }).value).toHaveLength(1);
    const missing = await fetch(`${setup.server.cloudUrl}/api/run/whoami`, { method: "POST", body: "{}" });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ code: "MissingIdentifier" });
    const get = await fetch(`${setup.server.cloudUrl}/api/query?path=identity:whoami&args=${encodeURIComponent("{}")}`);
    expect(await get.json()).toEqual({ status: "success", value: null });
  });

  it("keeps `npx convex run` (admin /api/function) working, errors included", async () => {
    expect(
      await runFunction(setup.appDir, setup.server, "identity:whoami", {}, ["--identity", '{"subject":"cli"}']),
    ).toMatchObject({
      subject: "cli",
    });
  });
});

describe("/api/query_batch", () => {
  // No client of convex 1.49 sends it; the shape is the backend's: {queries:[{path,args,format?}]} → {results:[UdfResponse]}.
  async function queryBatch(queries: unknown[], token?: string): Promise<Response> {
    return await fetch(`${setup.server.cloudUrl}/api/query_batch`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ queries }),
    });
  }

  it("runs every query as the token's user and reports each failure in its own item", async () => {
    const response = await queryBatch(
      [
        { path: "identity:whoami", args: [{}], format: "convex_encoded_json" },
        { path: "identity:fail", args: { n: { $integer: "BwAAAAAAAAA=" } }, format: "convex_encoded_json" },
        { path: "notes:list", args: { limit: { $integer: "AQAAAAAAAAA=" } }, format: "json" },
        { path: "identity:whoamiMutation", args: {} },
        { path: "identity:nope", args: {} },
      ],
      await userToken(),
    );
    expect(response.status).toBe(200);
    const { results } = (await response.json()) as { results: Record<string, unknown>[] };
    expect(results).toHaveLength(5);
    expect(results[0]).toEqual({
      status: "success",
      value: expect.objectContaining({ subject: "user-1", issuer: setup.idp.url }),
    });
    expect(results[1]).toMatchObject({
      status: "error",
      errorData: { reason: "nope", n: { $integer: "BwAAAAAAAAA=" } },
    });
    expect(results[2]).toMatchObject({ status: "success", value: expect.any(Array) });
    expect(results[3]).toMatchObject({ status: "error", errorMessage: expect.stringContaining("defined as Mutation") });
    expect(results[4]).toMatchObject({
      status: "error",
      errorMessage: expect.stringMatching(/Could not find (public )?function for 'identity:nope'/),
    });
  });

  it("refuses an invalid token (401) and a malformed item (400) for the whole batch, like /api/query", async () => {
    const expired = await queryBatch([{ path: "identity:whoami", args: {} }], await userToken({ exp: now() - 60 }));
    expect(expired.status).toBe(401);
    expect(await expired.json()).toMatchObject({ code: "InvalidAuthHeader" });
    const anonymous = await queryBatch([{ path: "identity:whoami", args: {} }]);
    expect(await anonymous.json()).toEqual({ results: [{ status: "success", value: null }] });
    const malformed = await queryBatch([
      { path: "identity:whoami", args: {} },
      { path: ":", args: {} },
    ]);
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ code: "BadConvexFunctionIdentifier" });
  });
});

describe("convex/nextjs helpers", () => {
  it("preloadQuery and fetchQuery with { token, url }", async () => {
    const url = setup.server.cloudUrl;
    const token = await userToken();
    const preloaded = await preloadQuery(listNotes, { limit: 10n }, { token, url });
    expect(preloaded).toMatchObject({ _name: "notes:list", _argsJSON: { limit: { $integer: "CgAAAAAAAAA=" } } });
    expect(preloadedQueryResult(preloaded)).toEqual(await fetchQuery(listNotes, { limit: 10n }, { url }));
    expect(await fetchQuery(whoami, {}, { token, url })).toMatchObject({ subject: "user-1", name: "Ada Lovelace" });
    expect(await fetchQuery(whoami, {}, { url })).toBeNull();
  });
});

describe("ctx.auth.signJwt", () => {
  it("signs tokens that verify against /.well-known/jwks.json and authenticate as a customJwt provider", async () => {
    const client = new ConvexHttpClient(setup.server.cloudUrl);
    const token = await client.mutation(sign, { sub: "signed-1" });
    const { payload, protectedHeader } = await jwtVerify(
      token,
      createRemoteJWKSet(new URL(`${setup.server.cloudUrl}/.well-known/jwks.json`)),
      { issuer: setup.server.cloudUrl, audience: "self", algorithms: ["ES256"] },
    );
    expect(protectedHeader).toMatchObject({ alg: "ES256", typ: "JWT" });
    expect(payload).toMatchObject({ sub: "signed-1", name: "Signed User" });
    client.setAuth(token);
    expect(await client.query(whoami, {})).toEqual({
      tokenIdentifier: `${setup.server.cloudUrl}|signed-1`,
      subject: "signed-1",
      issuer: setup.server.cloudUrl,
      name: "Signed User",
    });
  });
});
