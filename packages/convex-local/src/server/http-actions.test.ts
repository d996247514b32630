import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signToken } from "../test-fixtures/local-identity-provider.ts";
import { startAuthApp, type AuthAppSetup } from "../test-fixtures/start-auth-app.ts";

let setup: AuthAppSetup;
const now = () => Math.floor(Date.now() / 1000);

beforeAll(async () => {
  setup = await startAuthApp();
}, 120_000);

afterAll(async () => {
  await setup?.stop();
});

/** A raw request, to see every response header as sent (fetch folds some). */
function rawRequest(
  url: string,
  method: string,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method }, (res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("HTTP actions on the site port", () => {
  it("routes an exact path and hands the handler the real request on the site origin", async () => {
    const response = await fetch(`${setup.server.siteUrl}/hello?x=1`, { headers: { "x-test": "yes" } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ url: `${setup.server.siteUrl}/hello?x=1`, method: "GET", header: "yes" });
  });

  it("prefers the longest matching prefix", async () => {
    expect(await (await fetch(`${setup.server.siteUrl}/files/a.txt`)).text()).toBe("short prefix /files/a.txt");
    expect(await (await fetch(`${setup.server.siteUrl}/files/deep/b.txt`)).text()).toBe(
      "long prefix /files/deep/b.txt",
    );
  });

  it("answers HEAD like GET without a body", async () => {
    const head = await rawRequest(`${setup.server.siteUrl}/hello`, "HEAD");
    expect(head.status).toBe(200);
    expect(head.headers["content-type"]).toMatch(/application\/json/);
    expect(head.body).toBe("");
  });

  it("answers unrouted paths and methods with Convex's 404 text", async () => {
    for (const [path, method] of [
      ["/nope", "GET"],
      ["/hello/", "GET"],
      ["/echo", "GET"],
      ["/files", "GET"],
      ["/hello", "PUT"],
    ]) {
      const response = await fetch(`${setup.server.siteUrl}${path}`, { method });
      expect(response.status).toBe(404);
      expect(await response.text()).toBe(`No HttpAction routed for ${path}`);
    }
  });

  it("passes a POST body through and keeps status and headers", async () => {
    const response = await fetch(`${setup.server.siteUrl}/echo`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ hello: "world" }),
    });
    expect(response.status).toBe(201);
    expect(response.headers.get("x-echo-method")).toBe("POST");
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(await response.json()).toEqual({ hello: "world" });
  });

  it("sends every Set-Cookie header", async () => {
    const response = await rawRequest(`${setup.server.siteUrl}/cookies`, "GET");
    expect(response.headers["set-cookie"]).toEqual(["a=1; Path=/", "b=2; Path=/; HttpOnly"]);
    expect((await fetch(`${setup.server.siteUrl}/cookies`)).headers.getSetCookie()).toHaveLength(2);
  });

  it("gives the handler and its ctx.runQuery the identity of a Bearer token", async () => {
    const token = await signToken(setup.key, {
      iss: setup.idp.url,
      sub: "http-user",
      aud: "convex-local-test",
      iat: now(),
      exp: now() + 60,
    });
    const response = await fetch(`${setup.server.siteUrl}/me`, { headers: { authorization: `Bearer ${token}` } });
    const identity = { tokenIdentifier: `${setup.idp.url}|http-user`, subject: "http-user", issuer: setup.idp.url };
    expect(await response.json()).toEqual({ identity, viaQuery: identity });
    const anonymous = await fetch(`${setup.server.siteUrl}/me`);
    expect(await anonymous.json()).toEqual({ identity: null, viaQuery: null });
  });

  it("runs the action with an invalid token, but getUserIdentity() throws the auth error", async () => {
    const expired = await signToken(setup.key, {
      iss: setup.idp.url,
      sub: "late",
      aud: "convex-local-test",
      iat: now() - 120,
      exp: now() - 60,
    });
    const response = await fetch(`${setup.server.siteUrl}/me`, { headers: { authorization: `Bearer ${expired}` } });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: expect.stringMatching(/^Could not validate token: Token expired/) });
    const basic = await fetch(`${setup.server.siteUrl}/me`, { headers: { authorization: "Basic Zm9vOmJhcg==" } });
    expect(basic.status).toBe(401);
  });

  it("runs mutations from an action and answers a thrown error with the backend's 500 JSON", async () => {
    const created = await fetch(`${setup.server.siteUrl}/notes`, { method: "POST", body: "from http" });
    expect(await created.json()).toEqual({ id: expect.any(String) });
    const thrown = await fetch(`${setup.server.siteUrl}/throw`);
    expect(thrown.status).toBe(500);
    const body = (await thrown.json()) as { code: string; trace: string; data: unknown };
    expect(body.code).toMatch(/^\[Request ID: [0-9a-f]{16}\] Server Error: Uncaught ConvexError: /);
    expect(body.data).toEqual({ why: "thrown" });
  });

  it("serves the same routes under /http on the cloud port", async () => {
    const response = await fetch(`${setup.server.cloudUrl}/http/hello`);
    expect(await response.json()).toMatchObject({ url: `${setup.server.cloudUrl}/hello`, method: "GET" });
  });
});
