import type { BetterAuthClientPlugin } from "better-auth";
import { createAuthClient } from "better-auth/client";
import { describe, expect, expectTypeOf, it } from "vitest";
import {
  createCookieJar,
  createTestAuth,
  PASSWORD,
  TEST_BASE_URL,
  TEST_SITE_URL,
  verifyWithJwks,
} from "../../plugins/convex/test-auth.js";
import { convexClient } from "./convex-client.js";

describe("convexClient", () => {
  it('is a Better Auth client plugin with id "convex"', () => {
    const plugin = convexClient();
    expect(plugin.id).toBe("convex");
    expect(plugin.pathMethods).toEqual({ "/convex/token": "GET", "/convex/jwks": "GET" });
    expectTypeOf(plugin).toMatchTypeOf<BetterAuthClientPlugin>();
    expect(plugin.$ERROR_CODES.SESSION_REQUIRED.code).toBe("SESSION_REQUIRED");
  });

  it("types authClient.convex.token() and authClient.convex.jwks()", () => {
    const authClient = createAuthClient({ baseURL: TEST_BASE_URL, plugins: [convexClient()] });
    expectTypeOf(authClient.convex.token).toBeFunction();
    expectTypeOf(authClient.convex.jwks).toBeFunction();
    // Type-level only: never called.
    const typeCheck = async () => {
      const { data } = await authClient.convex.token();
      expectTypeOf(data).toEqualTypeOf<{ token: string } | null>();
    };
    expect(typeCheck).toBeTypeOf("function");
    expect(typeof authClient.convex.token).toBe("function");
    expectTypeOf<(typeof authClient.$ERROR_CODES)["SESSION_REQUIRED"]["code"]>().toEqualTypeOf<"SESSION_REQUIRED">();
  });

  it("fetches a Convex token from the server plugin with GET", async () => {
    process.env.CONVEX_SITE_URL = TEST_SITE_URL;
    const { auth, db } = createTestAuth();
    const jar = createCookieJar();
    const methods: string[] = [];
    const authClient = createAuthClient({
      baseURL: TEST_BASE_URL,
      plugins: [convexClient()],
      fetchOptions: {
        customFetchImpl: async (input, init) => {
          const request = new Request(input, init);
          request.headers.set("cookie", jar.header());
          methods.push(`${request.method} ${new URL(request.url).pathname}`);
          const response = await auth.handler(request);
          jar.store(response);
          return response;
        },
      },
    });

    await authClient.signUp.email({ email: "ada@example.com", password: PASSWORD, name: "Ada" });
    const { data, error } = await authClient.convex.token();
    expect(error).toBeNull();
    const { payload } = await verifyWithJwks(auth, data!.token);
    expect(payload.sub).toBe(db.user![0]!.id);
    expect(methods).toContain("GET /api/auth/convex/token");
  });
});
