import { Events, OAuth2Server } from "oauth2-mock-server";

/** The identity every token and the userinfo endpoint of {@link startOidcProvider} describe. */
export type OidcIdentity = { sub: string; email: string; name: string };

/**
 * A real OpenID Connect provider on loopback (`oauth2-mock-server`:
 * discovery, JWKS, authorization code with PKCE, RS256 id_tokens, userinfo)
 * that signs in one fixed identity without a consent page. For server-side
 * tests of Better Auth's SSO and generic OAuth flows.
 *
 * @example
 * ```ts
 * const idp = await startOidcProvider({ sub: "u1", email: "grace@acme.test", name: "Grace" });
 * // discovery: `${idp.issuer}/.well-known/openid-configuration`
 * await idp.stop();
 * ```
 */
export async function startOidcProvider(
  identity: OidcIdentity,
): Promise<{ issuer: string; stop: () => Promise<void> }> {
  const server = new OAuth2Server();
  await server.issuer.keys.generate("RS256");
  server.service.on(Events.BeforeTokenSigning, (token: { payload: Record<string, unknown> }) => {
    Object.assign(token.payload, { ...identity, email_verified: true });
  });
  server.service.on(Events.BeforeUserinfo, (response: { body: unknown }) => {
    response.body = { ...identity, email_verified: true };
  });
  await server.start(0, "127.0.0.1");
  return { issuer: server.issuer.url!, stop: () => server.stop() };
}
