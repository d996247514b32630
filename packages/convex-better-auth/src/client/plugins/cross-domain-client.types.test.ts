/**
 * Types of the cross-domain client plugin, checked by `tsc` (the runtime
 * part only builds the client).
 *
 * @see https://github.com/get-convex/better-auth/issues/391 — composed with
 * `adminClient()`, the plugin's actions lost their types.
 */
import { adminClient, twoFactorClient } from "better-auth/client/plugins";
import { createAuthClient } from "better-auth/react";
import { describe, expectTypeOf, it } from "vitest";
import { convexClient, crossDomainClient } from "./index.js";

const storage = { getItem: () => null, setItem: () => undefined };

describe("crossDomainClient types", () => {
  it("composes with adminClient() and keeps getCookie as () => string (#391)", () => {
    const authClient = createAuthClient({
      baseURL: "http://localhost:3000",
      plugins: [convexClient(), crossDomainClient({ storage }), adminClient()],
    });
    expectTypeOf(authClient.getCookie).toEqualTypeOf<() => string>();
    // Better Auth 1.7 also has an /update-session endpoint of that name; the
    // action wins at run time, and both can be called without arguments.
    const refresh = () => authClient.updateSession();
    expectTypeOf(refresh).toBeFunction();
    expectTypeOf(authClient.getSessionData).toEqualTypeOf<() => Record<string, unknown> | null>();
    expectTypeOf(authClient.admin.listUsers).toBeFunction();
    expectTypeOf(authClient.convex.token).toBeFunction();
  });

  it("types the one-time-token exchange the provider calls", () => {
    const authClient = createAuthClient({
      plugins: [crossDomainClient({ storage }), twoFactorClient(), convexClient()],
    });
    const _verify = () => authClient.crossDomain.oneTimeToken.verify({ token: "ott" });
    type Verified = NonNullable<Awaited<ReturnType<typeof _verify>>["data"]>;
    expectTypeOf<Verified["session"]["token"]>().toEqualTypeOf<string>();
    expectTypeOf<Verified["user"]["email"]>().toEqualTypeOf<string>();
    expectTypeOf(authClient.twoFactor.verifyOtp).toBeFunction();
  });
});
