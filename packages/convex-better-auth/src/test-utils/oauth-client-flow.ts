/**
 * Test fixture: an OAuth 2.1 client (authorization code + PKCE)
 * driving `@better-auth/oauth-provider` over HTTP, as a real client and
 * browser would. Works against anything that answers a `Request`:
 * `auth.handler` or a convex-test deployment's `t.fetch`. Used by the
 * OAuth provider tests only; not exported from any entry point.
 *
 * @internal
 * @module
 */
import { expect } from "vitest";

/** Answers a request aimed at the auth server's origin. */
export type OAuthFetch = (request: Request) => Promise<Response>;

/**
 * The browser side: the signed-in user's cookies for the auth server.
 *
 * @example
 * ```ts
 * const browser: OAuthBrowser = { cookie: () => jar.header() };
 * ```
 */
export type OAuthBrowser = { cookie: () => string };

/** Tokens the token endpoint returns. */
export type OAuthTokens = {
  access_token: string;
  token_type: string;
  expires_in: number;
  id_token?: string;
  refresh_token?: string;
  scope?: string;
};

/** Where the auth server is: its origin and Better Auth's basePath. */
export type OAuthServer = { origin: string; basePath: string; fetch: OAuthFetch };

const base64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");

/**
 * A PKCE verifier and its S256 challenge.
 *
 * @example
 * ```ts
 * const { verifier, challenge } = await pkcePair();
 * ```
 */
export async function pkcePair(): Promise<{ verifier: string; challenge: string }> {
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
  return { verifier, challenge: base64url(digest) };
}

function url(server: OAuthServer, path: string): string {
  return `${server.origin}${server.basePath}${path}`;
}

/** A registered client; `clientSecret` is absent for a public client. */
export type OAuthClient = { clientId: string; clientSecret?: string; redirectUri: string };

/**
 * Register a client for the signed-in user: public (no secret) unless
 * `confidential`.
 *
 * @example
 * ```ts
 * const client = await registerClient(server, browser, "https://client.example.com/cb");
 * ```
 */
export async function registerClient(
  server: OAuthServer,
  browser: OAuthBrowser,
  redirectUri: string,
  options: { confidential?: boolean } = {},
): Promise<OAuthClient> {
  const response = await server.fetch(
    new Request(url(server, "/oauth2/create-client"), {
      method: "POST",
      headers: { "content-type": "application/json", cookie: browser.cookie(), origin: server.origin },
      body: JSON.stringify({
        redirect_uris: [redirectUri],
        token_endpoint_auth_method: options.confidential ? "client_secret_post" : "none",
        grant_types: ["authorization_code", "refresh_token"],
      }),
    }),
  );
  expect(response.status, await response.clone().text()).toBe(201);
  const body = (await response.json()) as { client_id: string; client_secret?: string };
  return { clientId: body.client_id, clientSecret: body.client_secret, redirectUri };
}

/**
 * Register a public client for the signed-in user.
 *
 * @example
 * ```ts
 * const clientId = await registerPublicClient(server, browser, "https://client.example.com/cb");
 * ```
 */
export async function registerPublicClient(
  server: OAuthServer,
  browser: OAuthBrowser,
  redirectUri: string,
): Promise<string> {
  return (await registerClient(server, browser, redirectUri)).clientId;
}

/** The `Location` of a redirect (relative to `base`), or the `url` of its JSON form. */
async function redirectTarget(response: Response, base: string): Promise<URL> {
  const location = response.headers.get("location");
  if (location) return new URL(location, base);
  const text = await response.text();
  const body = JSON.parse(text) as { url?: string; redirect_uri?: string };
  const target = body.url ?? body.redirect_uri;
  expect(target, text).toBeTypeOf("string");
  return new URL(target!, base);
}

/**
 * Authorization code + PKCE through the consent page: authorize, accept
 * consent, exchange the code.
 *
 * @returns The tokens, plus what the redirect and token requests carried.
 *
 * @example
 * ```ts
 * const { tokens } = await authorizationCodeFlow(server, browser, { clientId, redirectUri });
 * ```
 */
export async function authorizationCodeFlow(
  server: OAuthServer,
  browser: OAuthBrowser,
  client: OAuthClient & { scope?: string; resource?: string },
): Promise<{ tokens: OAuthTokens; code: string; verifier: string }> {
  const { verifier, challenge } = await pkcePair();
  const state = base64url(crypto.getRandomValues(new Uint8Array(12)));
  const query = new URLSearchParams({
    response_type: "code",
    client_id: client.clientId,
    redirect_uri: client.redirectUri,
    scope: client.scope ?? "openid profile email offline_access",
    state,
    code_challenge: challenge,
    code_challenge_method: "S256",
  });
  if (client.resource) query.set("resource", client.resource);
  const authorize = await server.fetch(
    new Request(`${url(server, "/oauth2/authorize")}?${query}`, { headers: { cookie: browser.cookie() } }),
  );
  expect(authorize.status, await authorize.clone().text()).toBe(302);
  const next = await redirectTarget(authorize, server.origin);
  // Straight back to the client once the user has consented to these scopes.
  const callback = next.pathname === "/consent" ? await consent(server, browser, next) : next;
  expect(`${callback.origin}${callback.pathname}`).toBe(client.redirectUri);
  expect(callback.searchParams.get("state")).toBe(state);
  const code = callback.searchParams.get("code")!;
  expect(code).toBeTruthy();

  const tokens = await postForm(server, "/oauth2/token", {
    grant_type: "authorization_code",
    code,
    code_verifier: verifier,
    client_id: client.clientId,
    redirect_uri: client.redirectUri,
    ...(client.clientSecret ? { client_secret: client.clientSecret } : {}),
    ...(client.resource ? { resource: client.resource } : {}),
  });
  expect(tokens.status, JSON.stringify(tokens.body)).toBe(200);
  return { tokens: tokens.body as OAuthTokens, code, verifier };
}

/** Accept on the consent page the provider redirected to; returns where it sends the browser. */
async function consent(server: OAuthServer, browser: OAuthBrowser, page: URL): Promise<URL> {
  const response = await server.fetch(
    new Request(url(server, "/oauth2/consent"), {
      method: "POST",
      headers: { "content-type": "application/json", cookie: browser.cookie(), origin: server.origin },
      body: JSON.stringify({ accept: true, oauth_query: page.search.slice(1) }),
    }),
  );
  expect(response.status, await response.clone().text()).toBe(200);
  return redirectTarget(response, server.origin);
}

/**
 * POST a form to one of the provider's endpoints (token, introspect, revoke).
 *
 * @example
 * ```ts
 * const { status, body } = await postForm(server, "/oauth2/token", { grant_type: "refresh_token", refresh_token, client_id });
 * ```
 */
export async function postForm(
  server: OAuthServer,
  path: string,
  form: Record<string, string>,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await server.fetch(
    new Request(url(server, path), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(form).toString(),
    }),
  );
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
}
