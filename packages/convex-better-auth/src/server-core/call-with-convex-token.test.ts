import { ConvexError } from "convex/values";
import { describe, expect, it, vi } from "vitest";
import { convexBetterAuthError } from "../shared/errors.js";
import {
  callWithConvexToken,
  isConvexAuthError,
  isConvexTokenRefusal,
  type ConvexCallAttempt,
  type ConvexCallKind,
} from "./call-with-convex-token.js";
import type { ConvexTokenResult } from "./convex-token-getter.js";

function tokens(
  first: ConvexTokenResult | undefined,
  fresh: ConvexTokenResult | undefined = { token: "fresh", source: "fresh" },
) {
  return vi.fn(async ({ forceRefresh }: { forceRefresh: boolean }) => (forceRefresh ? fresh : first));
}

const authError = () => convexBetterAuthError("UNAUTHENTICATED", "Not signed in");
// What ConvexHttpClient throws for the backend's 401 answer: the body as the message.
const refusalBody = '{"code":"InvalidAuthHeader","message":"Could not verify token"}';
// What it throws when the function itself threw: the backend's wrapped message.
const appError = (text: string) =>
  new Error(
    `[Request ID: 0123456789abcdef] Server Error\nUncaught Error: ${text}\n    at handler (../convex/x.ts:3:9)\n`,
  );

/**
 * A stand-in for the Convex HTTP API behind the attempt's `fetch`: answers
 * 401 with the refusal body for `refused` tokens, otherwise 200 (the
 * function ran) and `onRun` decides the outcome. Returns how often the
 * function ran per token.
 */
function deployment(refused: Set<string>, onRun: (token: string | undefined) => Error | undefined) {
  const runs: (string | undefined)[] = [];
  const base: typeof fetch = async (_input, init) => {
    const token = new Headers(init?.headers).get("authorization")?.replace(/^Bearer /, "");
    if (token && refused.has(token)) return new Response(refusalBody, { status: 401 });
    runs.push(token);
    return new Response(null, { status: 200 });
  };
  const call = async ({ token, fetch }: ConvexCallAttempt) => {
    const response = await fetch("https://happy-otter-123.convex.cloud/api/mutation", {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    if (response.status === 401) throw new Error(await response.text());
    const error = onRun(token);
    if (error) throw error;
    return `ok:${token}`;
  };
  return { base, call, runs };
}

describe("callWithConvexToken", () => {
  it("calls once with the token when the call succeeds", async () => {
    const getToken = tokens({ token: "cached", source: "cookie" });
    const call = vi.fn(async ({ token }: ConvexCallAttempt) => `ok:${token}`);
    expect(await callWithConvexToken(getToken, call, { kind: "query", isAuthError: isConvexAuthError })).toBe(
      "ok:cached",
    );
    expect(getToken).toHaveBeenCalledTimes(1);
  });

  it("retries a query once with a fresh token when the session behind the cookie token is gone (UNAUTHENTICATED)", async () => {
    const getToken = tokens({ token: "cached", source: "cookie" });
    const call = vi.fn(async ({ token }: ConvexCallAttempt) => {
      if (token === "cached") throw authError();
      return `ok:${token}`;
    });
    expect(await callWithConvexToken(getToken, call, { kind: "query", isAuthError: isConvexAuthError })).toBe(
      "ok:fresh",
    );
    expect(call.mock.calls.map(([attempt]) => attempt.token)).toEqual(["cached", "fresh"]);
    expect(getToken).toHaveBeenLastCalledWith({ forceRefresh: true });
  });

  it.each<ConvexCallKind>(["query", "mutation", "action"])(
    "retries a %s once with a fresh token when Convex refuses the cookie token with 401 (nothing ran)",
    async (kind) => {
      const { base, call, runs } = deployment(new Set(["cached"]), () => undefined);
      const getToken = tokens({ token: "cached", source: "cookie" });
      expect(await callWithConvexToken(getToken, call, { kind, isAuthError: isConvexAuthError, fetch: base })).toBe(
        "ok:fresh",
      );
      expect(runs).toEqual(["fresh"]);
    },
  );

  it.each<ConvexCallKind>(["mutation", "action"])(
    "never runs a %s twice for an error it threw after running, even one isAuthError accepts",
    async (kind) => {
      for (const thrown of [authError(), appError("Unauthorized: not your document")]) {
        const { base, call, runs } = deployment(new Set(), () => thrown);
        const getToken = tokens({ token: "cached", source: "cookie" });
        await expect(callWithConvexToken(getToken, call, { kind, isAuthError: () => true, fetch: base })).rejects.toBe(
          thrown,
        );
        expect(runs).toEqual(["cached"]);
        expect(getToken).toHaveBeenCalledTimes(1);
      }
    },
  );

  it("does not retry an app's own Error('Unauthorized …') from a query either: only structured errors count", async () => {
    const thrown = appError("Unauthorized");
    const { base, call, runs } = deployment(new Set(), () => thrown);
    const getToken = tokens({ token: "cached", source: "cookie" });
    await expect(
      callWithConvexToken(getToken, call, { kind: "query", isAuthError: isConvexAuthError, fetch: base }),
    ).rejects.toBe(thrown);
    expect(runs).toEqual(["cached"]);
  });

  it("does not retry a fresh token, or errors that are not auth errors", async () => {
    const fresh = tokens({ token: "t", source: "fresh" });
    await expect(
      callWithConvexToken(fresh, async () => Promise.reject(authError()), {
        kind: "query",
        isAuthError: isConvexAuthError,
      }),
    ).rejects.toThrow("UNAUTHENTICATED");
    expect(fresh).toHaveBeenCalledTimes(1);
    const cached = tokens({ token: "t", source: "cookie" });
    const boom = new Error("boom");
    await expect(
      callWithConvexToken(cached, async () => Promise.reject(boom), { kind: "query", isAuthError: isConvexAuthError }),
    ).rejects.toBe(boom);
    expect(cached).toHaveBeenCalledTimes(1);
  });

  it("retries nothing when isAuthError says no, not even a refusal", async () => {
    const { base, call } = deployment(new Set(["cached"]), () => undefined);
    const getToken = tokens({ token: "cached", source: "cookie" });
    await expect(
      callWithConvexToken(getToken, call, { kind: "query", isAuthError: () => false, fetch: base }),
    ).rejects.toThrow("InvalidAuthHeader");
    expect(getToken).toHaveBeenCalledTimes(1);
  });

  it("lets the framework's control-flow errors through before anything else", async () => {
    const redirect = Object.assign(new Error("NEXT_REDIRECT"), { digest: "NEXT_REDIRECT;replace;/sign-in;307;" });
    const getToken = tokens({ token: "cached", source: "cookie" });
    const rethrow = (error: unknown) => {
      if ((error as { digest?: string }).digest?.startsWith("NEXT_REDIRECT")) throw error;
    };
    await expect(
      callWithConvexToken(getToken, async () => Promise.reject(redirect), {
        kind: "query",
        isAuthError: () => true,
        rethrow,
      }),
    ).rejects.toBe(redirect);
    expect(getToken).toHaveBeenCalledTimes(1);
  });
});

describe("isConvexAuthError and isConvexTokenRefusal", () => {
  it("recognise this library's UNAUTHENTICATED and the backend's coded token refusals", () => {
    expect(isConvexAuthError(authError())).toBe(true);
    expect(isConvexTokenRefusal(authError())).toBe(false);
    for (const code of ["InvalidAuthHeader", "NoAuthProvider", "TokenExpired", "AuthUpdateFailed"]) {
      const error = new Error(JSON.stringify({ code, message: "refused" }));
      expect(isConvexTokenRefusal(error), code).toBe(true);
      expect(isConvexAuthError(error), code).toBe(true);
    }
  });

  it("ignore message text: an app's own errors never count, whatever they say", () => {
    for (const error of [
      new Error("Unauthenticated"),
      new Error("Unauthorized"),
      appError("Unauthorized: InvalidAuthHeader"),
      appError('{"code":"InvalidAuthHeader","message":"x"}'),
      // A ConvexError built from data has that data's JSON as its message.
      new ConvexError({ code: "InvalidAuthHeader", message: "x" }),
      new ConvexError({ code: "NOT_FOUND" }),
      new Error('{"code":"BadAdminKey","message":"admin only"}'),
      new Error('{"code":"OCC","message":"retry"}'),
      new Error("Document not found"),
      "InvalidAuthHeader",
      null,
    ]) {
      expect(isConvexAuthError(error), String(error)).toBe(false);
    }
  });
});
