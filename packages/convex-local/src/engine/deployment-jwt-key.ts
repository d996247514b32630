/**
 * The deployment's ES256 key for `ctx.auth.signJwt`. convex-test generates a
 * non-extractable key per instance; tokens must keep verifying across
 * restarts and pushes, so the engine generates one exportable key, keeps it
 * as a JWK in its store, and hands it to every convex-test instance.
 */
import type { DeploymentJwtKey } from "./convex-test-internals.ts";
import type { EngineStore } from "./engine-store.ts";

const META_KEY = "deployment_jwt_private_jwk";

function base64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64url");
}

/**
 * Loads the persisted key, or creates and persists a new one.
 *
 * @example
 * const key = await loadDeploymentJwtKey(store);
 * key.publicJwk.kid; // RFC 7638 thumbprint
 */
export async function loadDeploymentJwtKey(store: EngineStore): Promise<DeploymentJwtKey> {
  let privateJwk: JsonWebKey;
  const stored = store.readMeta(META_KEY);
  if (stored === null) {
    const pair = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"]);
    privateJwk = await crypto.subtle.exportKey("jwk", pair.privateKey);
    store.writeMeta(META_KEY, JSON.stringify(privateJwk));
  } else {
    privateJwk = JSON.parse(stored) as JsonWebKey;
  }
  const { x, y } = privateJwk;
  if (typeof x !== "string" || typeof y !== "string") throw new Error(`The stored ${META_KEY} is not a P-256 JWK`);
  const privateKey = await crypto.subtle.importKey("jwk", privateJwk, { name: "ECDSA", namedCurve: "P-256" }, false, [
    "sign",
  ]);
  // Members in lexicographic order, as RFC 7638 requires for the thumbprint.
  const thumbprint = await crypto.subtle.digest(
    "SHA-256",
    new TextEncoder().encode(JSON.stringify({ crv: "P-256", kty: "EC", x, y })),
  );
  const kid = base64Url(new Uint8Array(thumbprint));
  return { privateKey, kid, publicJwk: { kty: "EC", crv: "P-256", x, y, kid, alg: "ES256", use: "sig" } };
}
