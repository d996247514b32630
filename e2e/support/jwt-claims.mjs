/**
 * The claims of a JWT, read without checking its signature: for asserting
 * what a token says (its `sub`, `sessionId`, `iss`, `exp`); whether it is
 * valid is Convex's to say (convex-query.mjs).
 *
 * @param {string} jwt a compact JWS
 * @returns {Record<string, any>} its payload
 *
 * @example
 * ```js
 * assert.equal(jwtClaims(cookie.value).sessionId, session.id);
 * ```
 */
export function jwtClaims(jwt) {
  return JSON.parse(Buffer.from(jwt.split(".")[1], "base64url").toString("utf8"));
}
