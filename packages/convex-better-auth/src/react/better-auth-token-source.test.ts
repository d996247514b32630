import { createAuthClient } from "better-auth/react";
import { describe, expect, it } from "vitest";
import { convexClient } from "../client/plugins/convex-client.js";
import {
  fetchConvexTokenWith,
  parseRetryAfter,
  toSessionObservation,
  type ConvexBetterAuthClient,
} from "./better-auth-token-source.js";

/** A real Better Auth React client whose network answers `respond`. */
function clientAnswering(respond: (request: Request) => Response | Promise<Response>) {
  const authClient = createAuthClient({
    baseURL: "http://localhost:3000",
    plugins: [convexClient()],
    fetchOptions: { customFetchImpl: async (input, init) => respond(new Request(input, init)) },
  });
  // The structural type the provider takes accepts a real client.
  const typed: ConvexBetterAuthClient = authClient;
  return typed;
}

describe("fetchConvexTokenWith", () => {
  it("returns the token from GET /convex/token", async () => {
    let seen: Request | undefined;
    const outcome = await fetchConvexTokenWith(
      clientAnswering((request) => {
        seen = request;
        return Response.json({ token: "jwt" });
      }),
    );
    expect(outcome).toEqual({ kind: "token", token: "jwt" });
    expect(seen?.method).toBe("GET");
    expect(new URL(seen!.url).pathname).toBe("/api/auth/convex/token");
  });

  it.each([401, 403])("treats %i as signed out", async (status) => {
    const outcome = await fetchConvexTokenWith(
      clientAnswering(() => Response.json({ code: "SESSION_REQUIRED" }, { status })),
    );
    expect(outcome).toEqual({ kind: "signed-out", status });
  });

  it.each([500, 502, 503, 404])("treats %i as transient", async (status) => {
    const outcome = await fetchConvexTokenWith(clientAnswering(() => new Response("oops", { status })));
    expect(outcome).toMatchObject({ kind: "transient", status });
  });

  it("treats 429 as transient and reads Retry-After", async () => {
    const outcome = await fetchConvexTokenWith(
      clientAnswering(() => new Response("slow down", { status: 429, headers: { "retry-after": "3" } })),
    );
    expect(outcome).toMatchObject({ kind: "transient", status: 429, retryAfterMs: 3000 });
  });

  it("treats a network failure as transient", async () => {
    const outcome = await fetchConvexTokenWith(
      clientAnswering(() => {
        throw new TypeError("Failed to fetch");
      }),
    );
    expect(outcome.kind).toBe("transient");
  });

  it("treats a 200 without a token as transient", async () => {
    expect((await fetchConvexTokenWith(clientAnswering(() => Response.json(null)))).kind).toBe("transient");
  });
});

describe("toSessionObservation", () => {
  const session = { session: { id: "s1" }, user: { id: "u1" } };

  it("maps Better Auth's session store states", () => {
    expect(toSessionObservation({ data: null, isPending: true, error: null })).toEqual({ kind: "pending" });
    expect(toSessionObservation({ data: session, isPending: false, error: null })).toEqual({
      kind: "session",
      sessionId: "s1",
    });
    expect(toSessionObservation({ data: null, isPending: false, error: null })).toEqual({ kind: "no-session" });
  });

  it("reports 401/403 as no session", () => {
    expect(toSessionObservation({ data: null, isPending: false, error: { status: 401 } })).toEqual({
      kind: "no-session",
    });
    expect(toSessionObservation({ data: session, isPending: false, error: { status: 403 } })).toEqual({
      kind: "no-session",
    });
  });

  it("never reports a failed get-session as a sign-out", () => {
    expect(toSessionObservation({ data: null, isPending: false, error: { status: 503 } })).toEqual({
      kind: "error",
      status: 503,
    });
    expect(toSessionObservation({ data: null, isPending: false, error: new TypeError("Failed to fetch") })).toEqual({
      kind: "error",
    });
    // Better Auth keeps the previous data when a refetch fails.
    expect(toSessionObservation({ data: session, isPending: false, error: { status: 500 } })).toEqual({
      kind: "session",
      sessionId: "s1",
    });
  });
});

describe("parseRetryAfter", () => {
  it("reads seconds and HTTP dates", () => {
    expect(parseRetryAfter("2")).toBe(2000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(parseRetryAfter("soon")).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});
