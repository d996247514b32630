/**
 * The entry point for user JWTs (`Authorization: Bearer`, WebSocket
 * `Authenticate {tokenType: "User"}`): choose the provider, verify, build the
 * identity.
 */
import type { AuthProviderConfig, Caller } from "../engine/types.ts";
import { chooseAuthProvider, isCustomJwt } from "./choose-auth-provider.ts";
import { decodeUnverifiedJwt } from "./decode-unverified-jwt.ts";
import { customJwtUserIdentity, oidcUserIdentity } from "./user-identity.ts";
import { verifyCustomJwt } from "./verify-custom-jwt.ts";
import { verifyOidcToken } from "./verify-oidc-token.ts";

/** Options of {@link authenticateToken}. */
export type AuthenticateTokenOptions = {
  /** The verification time in ms since the epoch; defaults to `Date.now()`. */
  now?: number;
};

/**
 * Verifies a user JWT against the deployment's `auth.config.ts` providers
 * and returns the `user` caller with its `UserIdentity`. Throws a
 * `CodedError` with the backend's code, message and HTTP status
 * (`InvalidAuthHeader` / `NoAuthProvider` 401, `AuthProviderDiscoveryFailed` 400).
 *
 * @example
 * const caller = await authenticateToken(token, engine.current()?.authConfig ?? []);
 * caller.identity.tokenIdentifier; // "https://issuer.example|user-1"
 */
export async function authenticateToken(
  token: string,
  providers: AuthProviderConfig[],
  options: AuthenticateTokenOptions = {},
): Promise<Extract<Caller, { kind: "user" }>> {
  const now = options.now ?? Date.now();
  const jwt = decodeUnverifiedJwt(token);
  const provider = chooseAuthProvider(jwt, providers);
  if (isCustomJwt(provider)) {
    const payload = await verifyCustomJwt(token, jwt, provider, now);
    return { kind: "user", identity: customJwtUserIdentity(payload) };
  }
  const payload = await verifyOidcToken(token, jwt, provider, now);
  return { kind: "user", identity: oidcUserIdentity(payload) };
}
