/**
 * Checks every JWT `/convex/token` hands out, so a fast answer that is
 * wrong (an error page, an expired or foreign token) is never timed as a
 * success. The signature is verified with jose against the public keys the
 * deployment itself publishes at `/api/auth/convex/jwks`, the keys the
 * backend verifies the token with.
 */
import { createRemoteJWKSet, jwtVerify } from "jose";

export type JwtExpectations = {
  /** The signed-up user's id. */
  subject: string;
  /** `CONVEX_SITE_URL`, which both libraries put in `iss`. */
  issuer: string;
};

/**
 * A verifier for one deployment's tokens. jose fetches the keys on first
 * use and again when a token names a key id it does not know.
 *
 * @example
 * const checker = jwtChecker(siteUrl);
 * await checker.check(token, { subject: user.userId, issuer: siteUrl });
 */
export function jwtChecker(siteUrl: string): { check(token: unknown, expected: JwtExpectations): Promise<void> } {
  const keys = createRemoteJWKSet(new URL(`${siteUrl}/api/auth/convex/jwks`));
  return {
    async check(token, expected) {
      if (typeof token !== "string") throw new Error(`expected a JWT, got ${JSON.stringify(token)}`);
      // getAuthConfigProvider() declares a customJwt provider with RS256, audience "convex".
      await jwtVerify(token, keys, {
        algorithms: ["RS256"],
        audience: "convex",
        issuer: expected.issuer,
        subject: expected.subject,
        requiredClaims: ["exp"],
      });
    },
  };
}
