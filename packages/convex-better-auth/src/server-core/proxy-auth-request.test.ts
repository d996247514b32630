// @vitest-environment node
import { gzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { createAuthRouteHandlers } from "./auth-route-handlers.js";
import { buildDownstreamHeaders, proxyAuthRequest } from "./proxy-auth-request.js";
import { rawHeaderValues, startTestHttpServer, unusedPort, type TestHttpServer } from "./test-http-server.js";

const APP = "https://app.example.com";
let server: TestHttpServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(handle: Parameters<typeof startTestHttpServer>[0] = () => Response.json({ ok: true })) {
  server = await startTestHttpServer(handle);
  return server;
}

describe("proxyAuthRequest", () => {
  it("forwards method, path and query to the Convex site URL, with no body for GET", async () => {
    const upstream = await start();
    const response = await proxyAuthRequest(new Request(`${APP}/api/auth/get-session?disableCookieCache=true&x=1`), {
      convexSiteUrl: upstream.url,
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
    const [seen] = upstream.requests;
    expect(seen?.method).toBe("GET");
    expect(seen?.url).toBe("/api/auth/get-session?disableCookieCache=true&x=1");
    expect(seen?.body).toBe("");
    expect(seen?.headers["content-length"]).toBeUndefined();
    expect(seen?.headers["transfer-encoding"]).toBeUndefined();
    // fetch derives Host from the target, so Convex routes on its own host.
    expect(seen?.headers.host).toBe(new URL(upstream.url).host);
  });

  it("strips hop-by-hop headers (including those listed in Connection) and keeps end-to-end ones", async () => {
    const upstream = await start();
    const request = new Request(`${APP}/api/auth/get-session`, {
      headers: {
        connection: "x-per-hop",
        "x-per-hop": "secret",
        "keep-alive": "timeout=5",
        te: "trailers",
        trailer: "x-checksum",
        upgrade: "websocket",
        "proxy-authorization": "Basic abc",
        "proxy-connection": "keep-alive",
        cookie: "better-auth.session_token=abc.def",
        authorization: "Bearer session-token",
        "user-agent": "test-agent",
        "x-custom": "kept",
      },
    });
    await proxyAuthRequest(request, { convexSiteUrl: upstream.url });
    const seen = upstream.requests[0]!;
    for (const name of [
      "x-per-hop",
      "keep-alive",
      "te",
      "trailer",
      "upgrade",
      "proxy-authorization",
      "proxy-connection",
    ]) {
      expect(rawHeaderValues(seen, name), name).toEqual([]);
    }
    // Node's client adds its own "connection: keep-alive"; the browser's value must not arrive.
    expect(rawHeaderValues(seen, "connection")).not.toContain("x-per-hop");
    expect(seen.headers.cookie).toBe("better-auth.session_token=abc.def");
    expect(seen.headers.authorization).toBe("Bearer session-token");
    expect(seen.headers["user-agent"]).toBe("test-agent");
    expect(seen.headers["x-custom"]).toBe("kept");
  });

  it("asks Convex for an uncompressed answer instead of forwarding the browser's accept-encoding", async () => {
    const upstream = await start();
    await proxyAuthRequest(new Request(`${APP}/api/auth/ok`, { headers: { "accept-encoding": "gzip, br" } }), {
      convexSiteUrl: upstream.url,
    });
    expect(rawHeaderValues(upstream.requests[0]!, "accept-encoding")).toEqual(["identity"]);
  });

  it("drops Content-Encoding when fetch already decoded a compressed answer", async () => {
    const upstream = await start(
      () =>
        new Response(gzipSync(JSON.stringify({ compressed: true })), {
          headers: { "content-encoding": "gzip", "content-type": "application/json" },
        }),
    );
    const response = await proxyAuthRequest(new Request(`${APP}/api/auth/ok`), { convexSiteUrl: upstream.url });
    expect(response.headers.get("content-encoding")).toBeNull();
    expect(response.headers.get("content-length")).toBeNull();
    expect(await response.json()).toEqual({ compressed: true });
  });

  it("passes the browser-facing host and scheme in x-better-auth-forwarded-*, never in x-forwarded-host", async () => {
    const upstream = await start();
    await proxyAuthRequest(new Request(`${APP}/api/auth/get-session`), { convexSiteUrl: upstream.url });
    const seen = upstream.requests[0]!;
    expect(seen.headers["x-better-auth-forwarded-host"]).toBe("app.example.com");
    expect(seen.headers["x-better-auth-forwarded-proto"]).toBe("https");
    // Convex's edge routes on x-forwarded-host and 404s on a foreign one (#422).
    expect(seen.headers["x-forwarded-host"]).toBeUndefined();
    expect(seen.headers["x-forwarded-proto"]).toBeUndefined();
  });

  it("takes the original host from a front proxy's x-forwarded-* but does not forward those headers", async () => {
    const upstream = await start();
    const request = new Request("http://localhost:3000/api/auth/get-session", {
      headers: {
        "x-forwarded-host": "www.example.org, internal",
        "x-forwarded-proto": "https",
        "x-forwarded-port": "443",
      },
    });
    await proxyAuthRequest(request, { convexSiteUrl: upstream.url });
    const seen = upstream.requests[0]!;
    expect(seen.headers["x-better-auth-forwarded-host"]).toBe("www.example.org");
    expect(seen.headers["x-better-auth-forwarded-proto"]).toBe("https");
    expect(seen.headers["x-forwarded-host"]).toBeUndefined();
    expect(seen.headers["x-forwarded-port"]).toBeUndefined();
  });

  it("overwrites a client-supplied x-better-auth-forwarded-host/proto", async () => {
    const upstream = await start();
    const request = new Request(`${APP}/api/auth/sign-in/social`, {
      headers: { "x-better-auth-forwarded-host": "evil.example", "x-better-auth-forwarded-proto": "http" },
    });
    await proxyAuthRequest(request, { convexSiteUrl: upstream.url });
    const seen = upstream.requests[0]!;
    expect(rawHeaderValues(seen, "x-better-auth-forwarded-host")).toEqual(["app.example.com"]);
    expect(rawHeaderValues(seen, "x-better-auth-forwarded-proto")).toEqual(["https"]);
  });

  it("streams a POST body (chunked, no forwarded content-length)", async () => {
    const upstream = await start(async (request) => Response.json({ echoed: await request.text() }));
    const encoder = new TextEncoder();
    const parts = ['{"email":"ada@example.com",', '"password":"correct-horse"}'];
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const next = parts.shift();
        if (next === undefined) return controller.close();
        await new Promise((resolve) => setTimeout(resolve, 5));
        controller.enqueue(encoder.encode(next));
      },
    });
    const request = new Request(`${APP}/api/auth/sign-in/email`, {
      method: "POST",
      headers: { "content-type": "application/json", "content-length": "999" },
      body,
      duplex: "half",
    } as RequestInit);
    const response = await proxyAuthRequest(request, { convexSiteUrl: upstream.url });
    const seen = upstream.requests[0]!;
    expect(seen.method).toBe("POST");
    expect(seen.headers["transfer-encoding"]).toBe("chunked");
    expect(seen.headers["content-length"]).toBeUndefined();
    expect(seen.headers["content-type"]).toBe("application/json");
    expect(await response.json()).toEqual({ echoed: '{"email":"ada@example.com","password":"correct-horse"}' });
  });

  it("sends no body for a POST without one", async () => {
    const upstream = await start();
    await proxyAuthRequest(new Request(`${APP}/api/auth/sign-out`, { method: "POST" }), {
      convexSiteUrl: upstream.url,
    });
    const seen = upstream.requests[0]!;
    expect(seen.body).toBe("");
    expect(seen.headers["transfer-encoding"]).toBeUndefined();
  });

  it("keeps every Set-Cookie as its own header, even with commas in Expires", async () => {
    const cookies = [
      "better-auth.session_token=abc.sig; Path=/; HttpOnly; SameSite=Lax; Expires=Wed, 21 Oct 2099 07:28:00 GMT",
      "better-auth.convex_jwt=eyJ.a.b; Max-Age=900; Path=/; HttpOnly; SameSite=Lax",
      "better-auth.session_data=; Max-Age=0; Path=/",
    ];
    const upstream = await start(() => {
      const headers = new Headers({ "content-type": "application/json" });
      for (const cookie of cookies) headers.append("set-cookie", cookie);
      return new Response("{}", { headers });
    });
    const response = await proxyAuthRequest(
      new Request(`${APP}/api/auth/sign-in/email`, { method: "POST", body: "{}" }),
      {
        convexSiteUrl: upstream.url,
      },
    );
    expect(response.headers.getSetCookie()).toEqual(cookies);
  });

  it("returns redirects as they are (redirect: manual), with their cookies", async () => {
    const upstream = await start(
      () =>
        new Response(null, {
          status: 302,
          headers: [
            ["location", "https://app.example.com/dashboard"],
            ["set-cookie", "better-auth.session_token=new.sig; Path=/; HttpOnly"],
            ["set-cookie", "better-auth.state=; Max-Age=0; Path=/"],
          ],
        }),
    );
    const response = await proxyAuthRequest(new Request(`${APP}/api/auth/callback/github?code=1&state=2`), {
      convexSiteUrl: upstream.url,
    });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("https://app.example.com/dashboard");
    expect(response.headers.getSetCookie()).toHaveLength(2);
    expect(upstream.requests).toHaveLength(1);
  });

  it("does not return hop-by-hop response headers", async () => {
    const upstream = await start(() => new Response("ok"));
    const response = await proxyAuthRequest(new Request(`${APP}/api/auth/ok`), { convexSiteUrl: upstream.url });
    // Node's server sends "connection: keep-alive" and "keep-alive: timeout=5".
    expect(response.headers.get("connection")).toBeNull();
    expect(response.headers.get("keep-alive")).toBeNull();
    expect(response.headers.get("transfer-encoding")).toBeNull();
  });

  it("passes a 204 through with no body", async () => {
    const upstream = await start(
      () => new Response(null, { status: 204, headers: { "access-control-allow-origin": APP } }),
    );
    const response = await proxyAuthRequest(new Request(`${APP}/api/auth/x`, { method: "OPTIONS" }), {
      convexSiteUrl: upstream.url,
    });
    expect(response.status).toBe(204);
    expect(response.body).toBeNull();
    expect(response.headers.get("access-control-allow-origin")).toBe(APP);
  });

  it("answers 502 CONVEX_SITE_UNREACHABLE when Convex cannot be reached", async () => {
    const response = await proxyAuthRequest(new Request(`${APP}/api/auth/get-session`), {
      convexSiteUrl: `http://127.0.0.1:${await unusedPort()}`,
    });
    expect(response.status).toBe(502);
    expect(await response.json()).toMatchObject({ code: "CONVEX_SITE_UNREACHABLE" });
  });

  it("uses an injected fetch", async () => {
    const calls: Request[] = [];
    const response = await proxyAuthRequest(new Request(`${APP}/api/auth/ok`), {
      convexSiteUrl: "https://happy-otter-123.convex.site",
      fetch: async (input, init) => {
        calls.push(new Request(input, init));
        return new Response("injected");
      },
    });
    expect(await response.text()).toBe("injected");
    expect(calls[0]?.url).toBe("https://happy-otter-123.convex.site/api/auth/ok");
    expect(calls[0]?.redirect).toBe("manual");
  });
});

describe("buildDownstreamHeaders", () => {
  it("drops hop-by-hop headers and those named in Connection", () => {
    const upstream = new Response("x", {
      headers: {
        connection: "x-hop",
        "x-hop": "1",
        "keep-alive": "timeout=5",
        "transfer-encoding": "chunked",
        "proxy-authenticate": "Basic",
        "content-length": "1",
        "cache-control": "no-store",
      },
    });
    const headers = buildDownstreamHeaders(upstream);
    expect([...headers.keys()]).toEqual(["cache-control", "content-type"]);
  });
});

describe("createAuthRouteHandlers", () => {
  it("proxies every method Better Auth and its plugins use", async () => {
    const upstream = await start(async (request) =>
      Response.json({ method: request.method, body: await request.text() }),
    );
    const handler = createAuthRouteHandlers({ convexSiteUrl: upstream.url });
    for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const) {
      const body = method === "GET" || method === "OPTIONS" ? undefined : `{"m":"${method}"}`;
      const response = await handler[method](
        new Request(`${APP}/api/auth/thing`, { method, ...(body ? { body } : {}) }),
      );
      expect(await response.json()).toEqual({ method, body: body ?? "" });
    }
  });
});
