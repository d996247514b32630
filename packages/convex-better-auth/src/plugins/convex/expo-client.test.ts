/**
 * The Expo guide's server: Better Auth's `expo()` plugin next to `convex()`
 * on the bundled component, driven by Better Auth's real `expoClient`
 * (cookies in an in-memory SecureStore, sent in `cookie` with
 * `expo-origin: myapp://`) as a React Native app drives it.
 */
import { expoClient } from "@better-auth/expo/client";
import { createAuthClient } from "better-auth/client";
import { createLocalJWKSet, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import {
  createExpoHarness,
  EXPO_CONVEX_SITE,
  EXPO_SCHEME,
  EXPO_WEB_ORIGIN,
  memorySecureStore,
  type ExpoHarness,
} from "../../test-utils/expo-harness.js";
import { api } from "../../test-utils/expo-app/_generated/api.js";
import { convexClient, crossDomainClient } from "../../client/plugins/index.js";
// The module vitest.config.ts puts in place of "expo-web-browser".
import { setAuthSessionBrowser, type AuthSessionBrowser } from "../../test-utils/expo-shims/expo-web-browser.js";
import { createCookieJar } from "./test-auth.js";

const PASSWORD = "correct horse 1";

/** What a native request carried. */
type Sent = {
  path: string;
  origin: string | null;
  expoOrigin: string | null;
  cookie: string | null;
  credentials: RequestCredentials | undefined;
};

function nativeClient(harness: ExpoHarness) {
  const storage = memorySecureStore();
  const sent: Sent[] = [];
  const authClient = createAuthClient({
    baseURL: EXPO_CONVEX_SITE,
    plugins: [expoClient({ scheme: EXPO_SCHEME, storagePrefix: EXPO_SCHEME, storage }), convexClient()],
    fetchOptions: {
      customFetchImpl: async (input, init) => {
        const request = new Request(input, init);
        sent.push({
          path: new URL(request.url).pathname,
          origin: request.headers.get("origin"),
          expoOrigin: request.headers.get("expo-origin"),
          cookie: request.headers.get("cookie"),
          credentials: init?.credentials,
        });
        return harness.fetch(request);
      },
    },
  });
  return { authClient, storage, sent };
}

async function verifyConvexJwt(harness: ExpoHarness, token: string) {
  const jwks = (await (await harness.fetch(`${EXPO_CONVEX_SITE}/api/auth/convex/jwks`)).json()) as Parameters<
    typeof createLocalJWKSet
  >[0];
  return jwtVerify(token, createLocalJWKSet(jwks), { issuer: EXPO_CONVEX_SITE, audience: "convex" });
}

/**
 * The in-app browser of a native social sign-in: it opens Better Auth's
 * `/expo-authorization-proxy`, goes on to the provider (which consents at
 * once, with the user's email as the code), comes back to the Convex site's
 * callback with the browser's own cookies, and stops at the redirect to the
 * app's scheme.
 */
function inAppBrowser(harness: ExpoHarness, email: string, landed: string[]): AuthSessionBrowser {
  return async (url, redirectUrl) => {
    const jar = createCookieJar();
    let next = url;
    for (let hop = 0; hop < 10; hop++) {
      if (next.startsWith(redirectUrl)) {
        landed.push(next);
        return { type: "success", url: next };
      }
      const target = new URL(next);
      if (target.origin === "https://idp.example") {
        const back = new URL(target.searchParams.get("redirect_uri")!);
        back.searchParams.set("code", email);
        back.searchParams.set("state", target.searchParams.get("state")!);
        next = back.href;
        continue;
      }
      const response = await harness.fetch(next, { headers: { cookie: jar.header() } });
      jar.store(response);
      const location = response.headers.get("location");
      if (!location) throw new Error(`the browser stopped at ${next} (${response.status})`);
      next = new URL(location, next).href;
    }
    throw new Error("too many redirects");
  };
}

describe("expo() next to convex() on the bundled component", () => {
  it("signs an expoClient up, keeps its session in SecureStore, and mints a Convex JWT that Convex functions accept", async () => {
    const harness = createExpoHarness();
    const { authClient, storage, sent } = nativeClient(harness);

    const signUp = await authClient.signUp.email({ email: "ada@example.com", password: PASSWORD, name: "Ada" });
    expect(signUp.error).toBeNull();
    // A native app has no Origin; expoClient names the app instead, which
    // expo() turns into the Origin that trustedOrigins ("myapp://") admits.
    expect(sent[0]).toMatchObject({
      path: "/api/auth/sign-up/email",
      origin: null,
      expoOrigin: "myapp://",
      credentials: "omit",
    });
    const stored = JSON.parse(storage.items.get("myapp_cookie") ?? "{}") as Record<string, { value: string }>;
    const sessionCookie = Object.keys(stored).find((name) => name.endsWith("better-auth.session_token"));
    expect(sessionCookie).toBeDefined();

    const session = await authClient.getSession();
    expect(session.data?.user.email).toBe("ada@example.com");
    expect(sent.at(-1)?.cookie).toContain(`${sessionCookie}=`);

    const { data, error } = await authClient.convex.token();
    expect(error).toBeNull();
    const { payload } = await verifyConvexJwt(harness, data!.token);
    expect(payload).toMatchObject({
      sub: session.data?.user.id,
      sessionId: session.data?.session.id,
      email: "ada@example.com",
    });

    // What Convex does with the token: its identity reaches getAuthUser.
    const user = await harness.t
      .withIdentity({ subject: payload.sub!, sessionId: payload.sessionId as string })
      .query(api.auth.getCurrentUser, {});
    expect(user).toMatchObject({ _id: session.data?.user.id, email: "ada@example.com" });
  });

  it("signs in again from a fresh app start with the stored cookie, and signs out (token refused afterwards)", async () => {
    const harness = createExpoHarness();
    const first = nativeClient(harness);
    await first.authClient.signUp.email({ email: "bo@example.com", password: PASSWORD, name: "Bo" });

    // A cold start: a new client reading the same SecureStore.
    const storage = first.storage;
    const restarted = createAuthClient({
      baseURL: EXPO_CONVEX_SITE,
      plugins: [expoClient({ scheme: EXPO_SCHEME, storagePrefix: EXPO_SCHEME, storage }), convexClient()],
      fetchOptions: { customFetchImpl: harness.fetch },
    });
    expect((await restarted.convex.token()).data?.token).toBeTruthy();

    expect((await restarted.signOut()).error).toBeNull();
    const after = await restarted.convex.token();
    expect(after.data).toBeNull();
    expect(after.error?.status).toBe(401);
  });

  it("admits the scheme in trustedOrigins and refuses another (INVALID_ORIGIN)", async () => {
    const harness = createExpoHarness();
    const signUpAs = (expoOrigin: string, email: string) =>
      harness.fetch(`${EXPO_CONVEX_SITE}/api/auth/sign-up/email`, {
        method: "POST",
        headers: { "content-type": "application/json", "expo-origin": expoOrigin },
        body: JSON.stringify({ email, password: PASSWORD, name: "Cy" }),
      });
    const refused = await signUpAs("otherapp://", "cy@example.com");
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ code: "INVALID_ORIGIN" });
    expect((await signUpAs("myapp://", "cy@example.com")).status).toBe(200);
  });

  it("with the guide's Expo Web set-up (crossDomain), a native app and Expo Web both sign in to one deployment", async () => {
    const harness = createExpoHarness({ web: true });
    const native = nativeClient(harness);
    await native.authClient.signUp.email({ email: "di@example.com", password: PASSWORD, name: "Di" });
    const nativeToken = (await native.authClient.convex.token()).data!.token;

    // Expo Web: a browser page on its own origin, cookies kept by crossDomainClient.
    const webStorage = memorySecureStore();
    const web = createAuthClient({
      baseURL: EXPO_CONVEX_SITE,
      plugins: [convexClient(), crossDomainClient({ storage: webStorage })],
      fetchOptions: {
        customFetchImpl: async (input, init) => {
          const request = new Request(input, init);
          request.headers.set("origin", EXPO_WEB_ORIGIN);
          return harness.fetch(request);
        },
      },
    });
    expect((await web.signIn.email({ email: "di@example.com", password: PASSWORD })).error).toBeNull();
    const webToken = (await web.convex.token()).data!.token;

    const [fromNative, fromWeb] = await Promise.all([
      verifyConvexJwt(harness, nativeToken),
      verifyConvexJwt(harness, webToken),
    ]);
    expect(fromWeb.payload.sub).toBe(fromNative.payload.sub);
    expect(fromWeb.payload.sessionId).not.toBe(fromNative.payload.sessionId);
    // Native cookies stay in SecureStore, untouched by crossDomain's header exchange.
    expect((await native.authClient.getSession()).data?.user.email).toBe("di@example.com");
  });

  it.each([
    ["the guide's set-up", false],
    ["the Expo Web set-up (crossDomain)", true],
  ])(
    "signs in through an OAuth provider in the in-app browser and returns to myapp:// with the session (%s)",
    async (_, web) => {
      const harness = createExpoHarness({ web });
      const { authClient } = nativeClient(harness);
      const landed: string[] = [];
      setAuthSessionBrowser(inAppBrowser(harness, "eve@example.com", landed));
      try {
        await authClient.signIn.social({ provider: "idp", callbackURL: "/dashboard" });
      } finally {
        setAuthSessionBrowser(undefined);
      }
      // expoClient made the callback an app URL; expo() put the session cookie
      // on it; crossDomain, when present, left the app-scheme redirect alone.
      expect(harness.requests).toEqual([
        "/api/auth/sign-in/social",
        "/api/auth/expo-authorization-proxy",
        "/api/auth/callback/idp",
      ]);
      expect(landed).toHaveLength(1);
      const back = new URL(landed[0]!);
      expect(`${back.protocol}//${back.host}${back.pathname}`).toBe("myapp://dashboard");
      expect(back.searchParams.get("cookie")).toContain("better-auth.session_token=");
      expect(back.searchParams.has("ott")).toBe(false);

      const session = await authClient.getSession();
      expect(session.data?.user.email).toBe("eve@example.com");
      const { payload } = await verifyConvexJwt(harness, (await authClient.convex.token()).data!.token);
      expect(payload.sessionId).toBe(session.data?.session.id);
    },
  );
});
