/**
 * Checks every JWT `/convex/token` hands out, so a fast answer that is
 * wrong (an error page, an expired or foreign token) is never timed as a
 * success. The signature is verified with node:crypto against the public
 * keys the deployment itself publishes at `/api/auth/convex/jwks`, the keys
 * the backend verifies the token with.
 */
import { createPublicKey, verify, type JsonWebKey, type KeyObject } from "node:crypto";

type JwtHeader = { alg?: string; kid?: string };
type JwtPayload = { sub?: string; iss?: string; aud?: string | string[]; exp?: number; iat?: number };

export type JwtExpectations = {
  /** The signed-up user's id. */
  subject: string;
  /** `CONVEX_SITE_URL`, which both libraries put in `iss`. */
  issuer: string;
};

function decodePart<T>(part: string | undefined, what: string): T {
  if (!part) throw new Error(`JWT has no ${what}`);
  return JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as T;
}

/**
 * A verifier for one deployment's tokens. Keys are fetched on first use
 * and again when a token names a key id the cache does not know.
 *
 * @example
 * const checker = jwtChecker(siteUrl);
 * await checker.check(token, { subject: user.userId, issuer: siteUrl });
 */
export function jwtChecker(siteUrl: string): { check(token: unknown, expected: JwtExpectations): Promise<void> } {
  let keys = new Map<string, KeyObject>();

  async function loadKeys(): Promise<void> {
    const response = await fetch(`${siteUrl}/api/auth/convex/jwks`);
    if (!response.ok) throw new Error(`JWKS answered ${response.status}: ${await response.text()}`);
    const { keys: jwks } = (await response.json()) as { keys: (JsonWebKey & { kid: string })[] };
    keys = new Map(jwks.map((jwk) => [jwk.kid, createPublicKey({ key: jwk, format: "jwk" })]));
  }

  return {
    async check(token, expected) {
      if (typeof token !== "string") throw new Error(`expected a JWT, got ${JSON.stringify(token)}`);
      const [h, p, s, ...rest] = token.split(".");
      if (rest.length > 0 || !s) throw new Error(`not a compact JWS: ${token.slice(0, 40)}…`);
      const header = decodePart<JwtHeader>(h, "header");
      const payload = decodePart<JwtPayload>(p, "payload");
      // getAuthConfigProvider() declares a customJwt provider with RS256.
      if (header.alg !== "RS256" || !header.kid) throw new Error(`unexpected JWT header ${JSON.stringify(header)}`);
      if (!keys.has(header.kid)) await loadKeys();
      const key = keys.get(header.kid);
      if (!key) throw new Error(`JWT key ${header.kid} is not in the deployment's JWKS`);
      if (!verify("sha256", Buffer.from(`${h}.${p}`), key, Buffer.from(s, "base64url"))) throw new Error("JWT signature does not verify");
      const now = Date.now() / 1000;
      const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
      if (payload.sub !== expected.subject) throw new Error(`JWT sub ${payload.sub} is not the user ${expected.subject}`);
      if (payload.iss !== expected.issuer) throw new Error(`JWT iss ${payload.iss} is not ${expected.issuer}`);
      if (!audiences.includes("convex")) throw new Error(`JWT aud ${JSON.stringify(payload.aud)} does not include "convex"`);
      if (typeof payload.exp !== "number" || payload.exp <= now) throw new Error(`JWT is expired (exp ${payload.exp})`);
    },
  };
}
