import { ConvexError } from "convex/values";
import { describe, expect, it, vi } from "vitest";
import { convexBetterAuthError } from "../shared/errors.js";
import { callWithConvexToken, isConvexAuthError } from "./call-with-convex-token.js";
import type { ConvexTokenResult } from "./convex-token-getter.js";

function tokens(first: ConvexTokenResult | undefined, fresh: ConvexTokenResult | undefined = { token: "fresh", source: "fresh" }) {
  return vi.fn(async ({ forceRefresh }: { forceRefresh: boolean }) => (forceRefresh ? fresh : first));
}

const authError = () => convexBetterAuthError("UNAUTHENTICATED", "Not signed in");

describe("callWithConvexToken", () => {
  it("calls once with the token when the call succeeds", async () => {
    const getToken = tokens({ token: "cached", source: "cookie" });
    const call = vi.fn(async (token?: string) => `ok:${token}`);
    expect(await callWithConvexToken(getToken, call, { isAuthError: isConvexAuthError })).toBe("ok:cached");
    expect(getToken).toHaveBeenCalledTimes(1);
  });

  it("retries once with a fresh token when a cookie token is refused", async () => {
    const getToken = tokens({ token: "cached", source: "cookie" });
    const call = vi.fn(async (token?: string) => {
      if (token === "cached") throw authError();
      return `ok:${token}`;
    });
    expect(await callWithConvexToken(getToken, call, { isAuthError: isConvexAuthError })).toBe("ok:fresh");
    expect(call.mock.calls.map(([token]) => token)).toEqual(["cached", "fresh"]);
    expect(getToken).toHaveBeenLastCalledWith({ forceRefresh: true });
  });

  it("does not retry a fresh token, or errors that are not auth errors", async () => {
    const fresh = tokens({ token: "t", source: "fresh" });
    await expect(callWithConvexToken(fresh, async () => Promise.reject(authError()), { isAuthError: isConvexAuthError })).rejects.toThrow(
      "UNAUTHENTICATED",
    );
    expect(fresh).toHaveBeenCalledTimes(1);
    const cached = tokens({ token: "t", source: "cookie" });
    const boom = new Error("boom");
    await expect(callWithConvexToken(cached, async () => Promise.reject(boom), { isAuthError: isConvexAuthError })).rejects.toBe(boom);
    expect(cached).toHaveBeenCalledTimes(1);
  });

  it("lets the framework's control-flow errors through before anything else", async () => {
    const redirect = Object.assign(new Error("NEXT_REDIRECT"), { digest: "NEXT_REDIRECT;replace;/sign-in;307;" });
    const getToken = tokens({ token: "cached", source: "cookie" });
    const rethrow = (error: unknown) => {
      if ((error as { digest?: string }).digest?.startsWith("NEXT_REDIRECT")) throw error;
    };
    await expect(
      callWithConvexToken(getToken, async () => Promise.reject(redirect), { isAuthError: () => true, rethrow }),
    ).rejects.toBe(redirect);
    expect(getToken).toHaveBeenCalledTimes(1);
  });
});

describe("isConvexAuthError", () => {
  it("recognises UNAUTHENTICATED and the backend's token refusals", () => {
    expect(isConvexAuthError(authError())).toBe(true);
    expect(isConvexAuthError(new Error('{"code":"InvalidAuthHeader","message":"Could not parse JWT"}'))).toBe(true);
    expect(isConvexAuthError(new Error("Unauthenticated"))).toBe(true);
    expect(isConvexAuthError(new ConvexError({ code: "NOT_FOUND" }))).toBe(false);
    expect(isConvexAuthError(new Error("Document not found"))).toBe(false);
  });
});
