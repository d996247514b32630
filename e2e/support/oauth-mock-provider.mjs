/**
 * A real OAuth 2.0 / OpenID Connect provider on loopback for the browser tests
 * (`oauth2-mock-server`: discovery, JWKS, authorization code with PKCE, signed
 * id_tokens, userinfo), with what the package leaves out and a sign-in needs to
 * be believable: a consent page the browser has to click through, client
 * authentication at the token endpoint, and one fixed user identity.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { Events, OAuth2Server } from "oauth2-mock-server";

/** The package's own authorize handler, kept off the public path so only an "Allow" reaches it. */
const APPROVE_PATH = "/internal/authorize-approved";

/**
 * Starts the provider on 127.0.0.1 and returns what an app's OAuth client
 * needs. Point Better Auth's `genericOAuth` at `${issuer}/.well-known/openid-configuration`.
 *
 * The browser sees `GET /authorize` as a consent page ("Allow" / "Deny", a POST
 * form); "Allow" redirects to the app's `redirect_uri` with a code, "Deny" with
 * `error=access_denied`. The token endpoint refuses any client id or secret but
 * the ones returned here (401 `invalid_client`). Every token and the userinfo
 * endpoint describe `user`.
 *
 * @param {{ port?: number, user?: { sub?: string, email?: string, name?: string } }} [options]
 *   `port`: where to listen (default: a free port); `user`: the signed-in identity
 *   (default: "Grace Hopper" with a unique `@example.com` address).
 * @returns {Promise<{ issuer: string, clientId: string, clientSecret: string,
 *   user: { sub: string, email: string, name: string }, discoveryRequests: () => number,
 *   stop: () => Promise<void> }>} `discoveryRequests()`: how often the discovery document was served
 *
 * @example
 * ```js
 * const provider = await startOAuthMockProvider();
 * // e.g. `npx convex env set OAUTH_ISSUER ${provider.issuer}` and the client id/secret
 * try {
 *   // … sign in through the app; the consent page has an "Allow" button …
 * } finally {
 *   await provider.stop();
 * }
 * ```
 */
export async function startOAuthMockProvider({ port = 0, user = {} } = {}) {
  const clientId = `mock-client-${randomUUID()}`;
  const clientSecret = randomBytes(24).toString("base64url");
  const suffix = randomUUID().slice(0, 8);
  const identity = {
    sub: user.sub ?? `mock-user-${suffix}`,
    email: user.email ?? `grace-${suffix}@example.com`,
    name: user.name ?? "Grace Hopper",
  };

  const server = new OAuth2Server(undefined, undefined, { endpoints: { authorize: APPROVE_PATH } });
  await server.issuer.keys.generate("RS256");
  const service = server.service;

  let discoveryRequests = 0;
  service.on(Events.BeforeWellKnownOpenIdConfiguration, (response) => {
    discoveryRequests += 1;
    response.body.authorization_endpoint = `${server.issuer.url}/authorize`;
    response.body.token_endpoint_auth_methods_supported = ["client_secret_basic", "client_secret_post"];
    response.body.scopes_supported = ["openid", "email", "profile"];
  });
  service.on(Events.BeforeTokenSigning, (token) => {
    Object.assign(token.payload, {
      sub: identity.sub,
      email: identity.email,
      email_verified: true,
      name: identity.name,
    });
  });
  service.on(Events.BeforeUserinfo, (response) => {
    response.body = { sub: identity.sub, email: identity.email, email_verified: true, name: identity.name };
  });
  service.on(Events.BeforeResponse, (response, req) => {
    if (!hasClientCredentials(req, clientId, clientSecret)) {
      response.statusCode = 401;
      response.body = { error: "invalid_client", error_description: "unknown client or wrong client secret" };
    }
  });

  // Browsers ask every origin they show a page of for its icon; a 404 would be a console error.
  service.addRoute("GET", "/favicon.ico", (_req, res) => {
    res.writeHead(204, { "cache-control": "max-age=86400" }).end();
  });

  service.addRoute("GET", "/authorize", (req, res) => {
    const query = singleValues(req.query);
    if (query.client_id !== clientId || !isHttpUrl(query.redirect_uri)) {
      sendHtml(res, 400, page("Unknown application", "<p>This client is not registered with the provider.</p>"));
      return;
    }
    const hidden = Object.entries(query)
      .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
      .join("");
    const body =
      `<p>${escapeHtml(new URL(query.redirect_uri).origin)} wants to sign you in as ` +
      `<strong>${escapeHtml(identity.name)}</strong> (${escapeHtml(identity.email)}).</p>` +
      `<form method="post" action="/authorize">${hidden}` +
      `<button type="submit" name="decision" value="allow">Allow</button> ` +
      `<button type="submit" name="decision" value="deny">Deny</button></form>`;
    sendHtml(res, 200, page("Mock OAuth provider: consent", body));
  });

  service.addRoute("POST", "/authorize", async (req, res) => {
    const { decision, ...params } = singleValues(req.body ?? {});
    if (params.client_id !== clientId || !isHttpUrl(params.redirect_uri)) {
      sendHtml(res, 400, page("Unknown application", "<p>This client is not registered with the provider.</p>"));
      return;
    }
    if (decision !== "allow") {
      const denied = new URL(params.redirect_uri);
      denied.searchParams.set("error", "access_denied");
      if (params.state) denied.searchParams.set("state", params.state);
      res.writeHead(303, { location: denied.href }).end();
      return;
    }
    // The package's handler reads the authorization request from the URL; hand it the consented one.
    req.url = `${APPROVE_PATH}?${new URLSearchParams(params)}`;
    await service.authorizeHandler(req, res);
  });

  await server.start(port, "127.0.0.1");
  const { port: boundPort } = server.address();
  // The package names the issuer "localhost"; the app and browser reach it on the address it listens on.
  server.issuer.url = `http://127.0.0.1:${boundPort}`;
  const issuer = server.issuer.url;

  let stopped = false;
  return {
    issuer,
    clientId,
    clientSecret,
    user: identity,
    discoveryRequests: () => discoveryRequests,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
    },
  };
}

function hasClientCredentials(req, clientId, clientSecret) {
  const header = req.headers.authorization ?? "";
  if (header.startsWith("Basic ")) {
    const decoded = Buffer.from(header.slice(6), "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    const id = decodeURIComponent(decoded.slice(0, colon));
    const secret = decodeURIComponent(decoded.slice(colon + 1));
    return colon > 0 && id === clientId && secret === clientSecret;
  }
  return req.body?.client_id === clientId && req.body?.client_secret === clientSecret;
}

/** Query and form values as one string each (the package collects repeated keys into arrays). */
function singleValues(record) {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, Array.isArray(v) ? String(v[0]) : String(v)]));
}

function isHttpUrl(value) {
  try {
    return ["http:", "https:"].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

function escapeHtml(value) {
  return String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title, body) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

function sendHtml(res, status, html) {
  res.writeHead(status, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" }).end(html);
}
