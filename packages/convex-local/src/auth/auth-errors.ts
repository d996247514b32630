/**
 * The errors token validation raises, with the Convex backend's short codes,
 * classes (as HTTP statuses) and messages. Over HTTP they become
 * `{code, message}` with the status; over the WebSocket the sync layer turns
 * them into `AuthError`.
 */
import { CodedError } from "../deploy/coded-error.ts";

/** Unauthenticated: 401 over HTTP. */
const UNAUTHENTICATED = 401;
/** BadRequest: 400 over HTTP. */
const BAD_REQUEST = 400;

/**
 * The backend's `InvalidAuthHeader` (class Unauthenticated), which covers
 * every custom-JWT failure and unparseable tokens.
 *
 * @example
 * throw invalidAuthHeader("Invalid issuer: https://a != https://b");
 */
export function invalidAuthHeader(message: string): CodedError {
  return new CodedError("InvalidAuthHeader", message, UNAUTHENTICATED);
}

/**
 * No configured provider matches the token's issuer and audience. The
 * development (unredacted) form lists the providers, as a local deployment
 * would show it.
 *
 * @example
 * throw noAuthProvider(["CustomJWT(issuer=https://a, app_id=none)"]);
 */
export function noAuthProvider(providerLabels: string[]): CodedError {
  const message =
    providerLabels.length === 0
      ? "No auth provider found matching the given token (no providers configured). Check convex/auth.config.ts."
      : "No auth provider found matching the given token. Check that your JWT's issuer and audience match one of " +
        `your configured providers: [${providerLabels.join(", ")}]`;
  return new CodedError("NoAuthProvider", message, UNAUTHENTICATED);
}

/**
 * OIDC discovery of the issuer failed. An HTTP error from the IdP keeps its
 * class (4xx stays a client error, 5xx becomes a server error).
 *
 * @example
 * throw discoveryFailed("https://idp.example", 404, "not found");
 */
export function discoveryFailed(issuer: string, status?: number, body?: string): CodedError {
  const detail = status === undefined ? "" : `: ${status} ${body ?? ""}`.trimEnd();
  const httpStatus =
    status !== undefined && status >= 500 ? 500 : status !== undefined && status >= 400 ? status : BAD_REQUEST;
  return new CodedError(
    "AuthProviderDiscoveryFailed",
    `Auth provider discovery of ${issuer} failed${detail}`,
    httpStatus,
  );
}

/**
 * An OIDC token failed its claim, signature or expiry checks.
 *
 * @example
 * throw oidcVerificationFailed();
 */
export function oidcVerificationFailed(): CodedError {
  return new CodedError(
    "InvalidAuthHeader",
    "Could not verify OIDC token claim. Check that the token signature is valid and the token hasn't expired.",
    UNAUTHENTICATED,
  );
}

/**
 * A token that does not parse as an OIDC ID token.
 *
 * @example
 * throw oidcUnparseable();
 */
export function oidcUnparseable(): CodedError {
  return invalidAuthHeader("Could not parse as OIDC ID token. Token might not be an OIDC-compliant JWT.");
}
