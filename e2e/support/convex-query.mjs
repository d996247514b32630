/**
 * Runs a Convex query over the deployment's HTTP API (`POST /api/query`) with
 * a Convex JWT, as a signed-in client would: what Convex makes of a token the
 * app was given.
 */

/**
 * @param {string} cloudUrl the deployment (`stack.cloudUrl`)
 * @param {string} token a Convex JWT (the `convex_jwt` cookie, `/api/auth/convex/token`)
 * @param {string} [path] the query, `auth:getCurrentUser` by default
 * @returns {Promise<{ status: "success", value: any } | { status: "error", errorMessage: string }>} Convex's answer
 *
 * @example
 * ```js
 * const result = await convexQuery(stack.cloudUrl, jwt);
 * assert.equal(result.status, "success");
 * assert.equal(result.value?.email, EMAIL);
 * ```
 */
export async function convexQuery(cloudUrl, token, path = "auth:getCurrentUser") {
  const response = await fetch(`${cloudUrl}/api/query`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ path, args: {}, format: "json" }),
  });
  return await response.json();
}
