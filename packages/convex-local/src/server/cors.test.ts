/**
 * CORS as Convex's backend answers it: on the cloud origin's `/api/*` the
 * backend's tower-http `CorsLayer` (origin and requested headers mirrored,
 * credentials allowed, every OPTIONS a 200 preflight); on the site origin
 * nothing from the server, so `OPTIONS` and the headers are the app's own
 * (here the library's `registerRoutes(…, { cors: true })`, which trusts
 * Better Auth's `trustedOrigins` and base URL only).
 */
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HARDENING_SITE_URL, startHardeningApp, type HardeningAppSetup } from "../test-fixtures/start-hardening-app.ts";

const PAGE = "http://localhost:5173";
const TRUSTED = HARDENING_SITE_URL;
const STRANGER = "https://evil.example";

let setup: HardeningAppSetup;

beforeAll(async () => {
  setup = await startHardeningApp();
}, 180_000);

afterAll(async () => {
  await setup?.stop();
});

/** A raw request, to see every response header as sent. */
function request(
  url: string,
  method: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers }, (res) => {
      let text = "";
      res.on("data", (chunk: Buffer) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const corsOf = (headers: http.IncomingHttpHeaders) =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => name.startsWith("access-control-") || name === "vary"));

describe("/api/* on the cloud origin", () => {
  it("answers a preflight 200 with the backend's headers, before routing", async () => {
    for (const path of ["/api/query", "/api/mutation", "/api/no_such_route"]) {
      const response = await request(`${setup.server.cloudUrl}${path}`, "OPTIONS", {
        origin: PAGE,
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type,convex-client,authorization",
      });
      expect(response.status).toBe(200);
      expect(response.body).toBe("");
      expect(corsOf(response.headers)).toEqual({
        "access-control-allow-origin": PAGE,
        "access-control-allow-credentials": "true",
        "access-control-allow-methods": "GET,POST,OPTIONS,PATCH,DELETE,PUT",
        "access-control-allow-headers": "content-type,convex-client,authorization",
        "access-control-max-age": "86400",
        vary: "origin, access-control-request-method, access-control-request-headers",
      });
    }
  });

  it("mirrors the origin on answers, errors included, and sends no allow-origin without one", async () => {
    const call = (headers: Record<string, string>) =>
      request(
        `${setup.server.cloudUrl}/api/query`,
        "POST",
        { "content-type": "application/json", ...headers },
        JSON.stringify({ path: "slow:ping", args: {}, format: "json" }),
      );
    const fromPage = await call({ origin: PAGE });
    expect(JSON.parse(fromPage.body)).toMatchObject({ status: "success", value: "pong" });
    expect(corsOf(fromPage.headers)).toEqual({
      "access-control-allow-origin": PAGE,
      "access-control-allow-credentials": "true",
      vary: "origin, access-control-request-method, access-control-request-headers",
    });
    const rejected = await request(`${setup.server.cloudUrl}/api/check_admin_key`, "GET", {
      origin: PAGE,
      authorization: "Convex wrong",
    });
    expect(rejected.status).toBe(401);
    expect(rejected.headers["access-control-allow-origin"]).toBe(PAGE);
    const noOrigin = await call({});
    expect(noOrigin.headers["access-control-allow-origin"]).toBeUndefined();
  });
});

describe("HTTP actions on the site origin", () => {
  it("let the library's CORS answer preflights: a trusted origin is allowed, a stranger is not", async () => {
    const preflight = (origin: string) =>
      request(`${setup.server.siteUrl}/api/auth/sign-up/email`, "OPTIONS", {
        origin,
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type",
      });
    const trusted = await preflight(TRUSTED);
    expect(trusted.status).toBeLessThan(300);
    expect(trusted.headers["access-control-allow-origin"]).toBe(TRUSTED);
    expect(trusted.headers["access-control-allow-credentials"]).toBe("true");
    expect(String(trusted.headers["access-control-allow-headers"]).toLowerCase()).toContain("content-type");

    const stranger = await preflight(STRANGER);
    // Without an allow-origin the browser refuses, whatever else the app's router sends.
    expect(stranger.headers["access-control-allow-origin"]).toBeUndefined();
  });

  it("pass the app's CORS headers through on answers and add none of their own", async () => {
    const session = await request(`${setup.server.siteUrl}/api/auth/get-session`, "GET", { origin: TRUSTED });
    expect(session.status).toBe(200);
    expect(session.headers["access-control-allow-origin"]).toBe(TRUSTED);
    expect(String(session.headers["access-control-expose-headers"]).toLowerCase()).toContain("set-better-auth-cookie");

    const plain = await request(`${setup.server.siteUrl}/env`, "GET", { origin: STRANGER });
    expect(plain.status).toBe(200);
    expect(corsOf(plain.headers)).toEqual({});
    const viaCloud = await request(`${setup.server.cloudUrl}/http/env`, "GET", { origin: STRANGER });
    expect(corsOf(viaCloud.headers)).toEqual({});
    // No OPTIONS route for /env: the app's router answers, not a server-made preflight.
    const unrouted = await request(`${setup.server.siteUrl}/env`, "OPTIONS", {
      origin: STRANGER,
      "access-control-request-method": "GET",
    });
    expect(unrouted.status).toBe(404);
    expect(corsOf(unrouted.headers)).toEqual({});
  });
});
