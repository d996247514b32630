/**
 * `crossDomainClient()` in a real Better Auth client talking to the React
 * guide's Convex app (bundled component, `crossDomain()`, CORS) through a
 * `fetch` that behaves like the SPA's browser, with cookies in an injected
 * storage.
 */
import { createAuthClient } from "better-auth/client";
import { twoFactorClient } from "better-auth/client/plugins";
import { decodeJwt } from "jose";
import { beforeEach, describe, expect, it } from "vitest";
import {
  createSpaHarness,
  memoryStorage,
  navigate,
  SPA_CONVEX_SITE,
  type SpaHarness,
} from "../../test-utils/spa-harness.js";
import { convexClient, crossDomainClient } from "./index.js";

const PASSWORD = "correct horse 1";
const COOKIE_KEY = "better-auth_cookie";

let harness: SpaHarness;
beforeEach(() => {
  harness = createSpaHarness();
});

type Sent = { path: string; credentials: RequestCredentials | undefined; betterAuthCookie: string | null };

function client(options: Parameters<typeof crossDomainClient>[0] = {}) {
  const storage = memoryStorage();
  const sent: Sent[] = [];
  const authClient = createAuthClient({
    baseURL: SPA_CONVEX_SITE,
    plugins: [convexClient(), crossDomainClient({ storage, ...options }), twoFactorClient()],
    fetchOptions: {
      customFetchImpl: async (input, init) => {
        const request = new Request(input, init);
        sent.push({
          path: new URL(request.url).pathname,
          credentials: init?.credentials,
          betterAuthCookie: request.headers.get("better-auth-cookie"),
        });
        return harness.fetch(request);
      },
    },
  });
  return { authClient, storage, sent };
}

function storedCookies(storage: ReturnType<typeof memoryStorage>, key = COOKIE_KEY): Record<string, { value: string }> {
  return JSON.parse(storage.items.get(key) ?? "{}") as Record<string, { value: string }>;
}

/** Counts `$sessionSignal` flips, which make the session store refetch. */
function countSignals(authClient: ReturnType<typeof client>["authClient"]) {
  let count = 0;
  // `listen`, not `$store.listen` (subscribe), which also calls back at once.
  authClient.$store.atoms.$sessionSignal!.listen(() => void count++);
  return () => count;
}

describe("crossDomainClient with a real Better Auth client", () => {
  it("keeps the session in storage, sends it in Better-Auth-Cookie with credentials omitted, and gets Convex tokens", async () => {
    const { authClient, storage, sent } = client();
    const signUp = await authClient.signUp.email({ email: "ada@example.com", password: PASSWORD, name: "Ada" });
    expect(signUp.error).toBeNull();
    expect(storedCookies(storage)["better-auth.session_token"]?.value).toBeTruthy();
    expect(sent[0]).toMatchObject({ path: "/api/auth/sign-up/email", credentials: "omit", betterAuthCookie: "" });

    const session = await authClient.getSession();
    expect(session.data?.user.email).toBe("ada@example.com");
    expect(sent.at(-1)?.betterAuthCookie).toContain("better-auth.session_token=");
    expect(authClient.getCookie()).toContain("better-auth.session_token=");
    expect(authClient.getSessionData()).toMatchObject({ user: { email: "ada@example.com" } });

    const token = await authClient.convex.token();
    expect(decodeJwt(token.data!.token).sessionId).toBe(session.data?.session.id);
  });

  it("uses storagePrefix for its keys", async () => {
    const { authClient, storage } = client({ storagePrefix: "my-app" });
    await authClient.signUp.email({ email: "bo@example.com", password: PASSWORD, name: "Bo" });
    expect(storedCookies(storage, "my-app_cookie")["better-auth.session_token"]).toBeDefined();
    await authClient.getSession();
    expect(storage.items.get("my-app_session_data")).toContain("bo@example.com");
  });

  it("does not cache get-session with disableCache", async () => {
    const { authClient, storage } = client({ disableCache: true });
    await authClient.signUp.email({ email: "bo.nocache@example.com", password: PASSWORD, name: "Bo" });
    expect((await authClient.getSession()).data?.user.email).toBe("bo.nocache@example.com");
    expect(storage.items.has("better-auth_session_data")).toBe(false);
    expect(authClient.getSessionData()).toBeNull();
  });

  it("signs out locally at once and on the server", async () => {
    const { authClient, storage } = client();
    await authClient.signUp.email({ email: "cy@example.com", password: PASSWORD, name: "Cy" });
    const token = storedCookies(storage)["better-auth.session_token"]!.value;
    await authClient.signOut();
    expect(storedCookies(storage)).toEqual({});
    expect(authClient.getSessionData()).toBeNull();
    expect(authClient.$store.atoms.session!.get()).toMatchObject({ data: null, isPending: false });
    // The server revoked it: the old cookie no longer finds a session.
    const replay = await harness.fetch(`${SPA_CONVEX_SITE}/api/auth/get-session`, {
      headers: { "better-auth-cookie": `better-auth.session_token=${token}` },
    });
    expect(await replay.json()).toBeNull();
  });

  it("refetches the session only when the session token changed (#273)", async () => {
    const { authClient } = client();
    await authClient.signUp.email({ email: "dee@example.com", password: PASSWORD, name: "Dee" });
    await new Promise((resolve) => setTimeout(resolve, 20)); // Better Auth's own sign-up signal
    const signals = countSignals(authClient);

    // These answers set cookies (convex_jwt) but keep the session token.
    await authClient.convex.token();
    await authClient.getSession();
    await authClient.convex.token();
    expect(signals()).toBe(0);

    // A new session from a one-time token (an endpoint Better Auth itself does not signal for).
    const state = new URL(
      (await authClient.signIn.social({ provider: "idp", disableRedirect: true })).data!.url!,
    ).searchParams.get("state");
    const callback = await navigate(
      harness,
      `${SPA_CONVEX_SITE}/api/auth/callback/idp?code=dee.oauth@example.com&state=${state}`,
    );
    const ott = new URL(callback.headers.get("location")!).searchParams.get("ott")!;
    expect((await authClient.crossDomain.oneTimeToken.verify({ token: ott })).error).toBeNull();
    expect(signals()).toBe(1);
  });

  it("completes an OAuth sign-in handed over by ?ott=", async () => {
    const { authClient, storage } = client();
    const started = await authClient.signIn.social({ provider: "idp", disableRedirect: true });
    const state = new URL(started.data!.url!).searchParams.get("state");
    const callback = await navigate(
      harness,
      `${SPA_CONVEX_SITE}/api/auth/callback/idp?code=eve@example.com&state=${state}`,
    );
    const ott = new URL(callback.headers.get("location")!).searchParams.get("ott")!;

    const verified = await authClient.crossDomain.oneTimeToken.verify({ token: ott });
    expect(verified.data?.user.email).toBe("eve@example.com");
    expect(storedCookies(storage)["better-auth.session_token"]).toBeDefined();
    expect((await authClient.getSession()).data?.session.id).toBe(verified.data?.session.id);
  });

  it("keeps the two_factor cookie when get-session says there is no session, so 2FA completes across domains (#322, #325)", async () => {
    const { authClient, storage } = client();
    await authClient.signUp.email({ email: "fay@example.com", password: PASSWORD, name: "Fay" });
    expect((await authClient.twoFactor.enable({ password: PASSWORD })).error).toBeNull();
    await authClient.signOut();

    const signIn = await authClient.signIn.email({ email: "fay@example.com", password: PASSWORD });
    expect(signIn.data).toMatchObject({ twoFactorRedirect: true });
    expect(storedCookies(storage)["better-auth.two_factor"]?.value).toBeTruthy();

    // The session store asks while 2FA is pending: no session.
    expect((await authClient.getSession()).data).toBeNull();
    expect(storedCookies(storage)["better-auth.two_factor"]?.value).toBeTruthy();

    expect((await authClient.twoFactor.sendOtp()).error).toBeNull();
    const verified = await authClient.twoFactor.verifyOtp({ code: harness.outbox.otp! });
    expect(verified.error).toBeNull();
    const session = await authClient.getSession();
    expect(session.data?.user.email).toBe("fay@example.com");
    expect(storedCookies(storage)["better-auth.two_factor"]).toBeUndefined();
  });

  it("does nothing without storage (server-side rendering): no header, default credentials", async () => {
    const sent: Sent[] = [];
    const authClient = createAuthClient({
      baseURL: SPA_CONVEX_SITE,
      plugins: [crossDomainClient()],
      fetchOptions: {
        customFetchImpl: async (input, init) => {
          const request = new Request(input, init);
          sent.push({
            path: new URL(request.url).pathname,
            credentials: init?.credentials,
            betterAuthCookie: request.headers.get("better-auth-cookie"),
          });
          return harness.fetch(request);
        },
      },
    });
    await authClient.getSession();
    expect(sent[0]?.betterAuthCookie).toBeNull();
    expect(sent[0]?.credentials).not.toBe("omit");
    expect(authClient.getCookie()).toBe("");
  });
});
