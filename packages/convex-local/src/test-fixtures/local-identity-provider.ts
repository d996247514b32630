/**
 * A tiny identity provider for tests: a `node:http` server on 127.0.0.1:0
 * serving an OIDC discovery document and a JWKS whose keys the test can
 * rotate, plus helpers to sign tokens with those keys (jose).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from "jose";

/** A signing key with its `kid`. */
export type TestSigningKey = { kid: string; alg: "RS256" | "ES256" | "EdDSA"; privateKey: CryptoKey; publicJwk: JWK };

/**
 * Generates a key pair whose public JWK carries `kid`, `alg` and `use`.
 *
 * @example
 * const key = await makeSigningKey("key-1", "RS256");
 */
export async function makeSigningKey(kid: string, alg: TestSigningKey["alg"] = "RS256"): Promise<TestSigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: "sig" } };
}

/**
 * Signs `claims` with `key` (header `alg`, `typ: JWT`, `kid` unless `header.kid` is null).
 *
 * @example
 * const token = await signToken(key, { iss: idp.url, sub: "u1", aud: "app", exp: now + 60 });
 */
export async function signToken(
  key: TestSigningKey,
  claims: JWTPayload & Record<string, unknown>,
  header: { kid?: string | null; typ?: string } = {},
): Promise<string> {
  const kid = header.kid === null ? undefined : (header.kid ?? key.kid);
  return await new SignJWT(claims)
    .setProtectedHeader({ alg: key.alg, typ: header.typ ?? "JWT", ...(kid === undefined ? {} : { kid }) })
    .sign(key.privateKey);
}

/** The running provider. */
export type LocalIdentityProvider = {
  /** Origin, e.g. `http://127.0.0.1:41234`: the OIDC issuer. */
  url: string;
  /** `${url}/jwks.json`. */
  jwksUrl: string;
  /** The keys served in the JWKS; replace to rotate. */
  keys: TestSigningKey[];
  /** Extra response headers of the JWKS (e.g. `cache-control`). */
  jwksHeaders: Record<string, string>;
  /** How many times each path was fetched. */
  hits: Map<string, number>;
  close(): Promise<void>;
};

/**
 * Starts the provider.
 *
 * @example
 * const idp = await startLocalIdentityProvider([await makeSigningKey("k1")]);
 */
export async function startLocalIdentityProvider(keys: TestSigningKey[]): Promise<LocalIdentityProvider> {
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    provider.hits.set(path, (provider.hits.get(path) ?? 0) + 1);
    if (path === "/.well-known/openid-configuration") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          issuer: provider.url,
          jwks_uri: provider.jwksUrl,
          id_token_signing_alg_values_supported: ["RS256"],
        }),
      );
      return;
    }
    if (path === "/jwks.json") {
      res.writeHead(200, { "content-type": "application/json", ...provider.jwksHeaders });
      res.end(JSON.stringify({ keys: provider.keys.map((key) => key.publicJwk) }));
      return;
    }
    res.writeHead(404, { "content-type": "text/plain" }).end("not found");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider: LocalIdentityProvider = {
    url,
    jwksUrl: `${url}/jwks.json`,
    keys,
    jwksHeaders: {},
    hits: new Map(),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  return provider;
}
