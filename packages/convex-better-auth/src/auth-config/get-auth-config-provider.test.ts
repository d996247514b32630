import type { AuthConfig, AuthProvider } from "convex/server";
import { exportJWK, generateKeyPair } from "jose";
import { afterEach, beforeEach, describe, expect, expectTypeOf, it } from "vitest";
import { createPublicJwks } from "./create-public-jwks.js";
import { getAuthConfigProvider } from "./get-auth-config-provider.js";
import { parseJwksOption } from "./parse-jwks-option.js";

const SITE_URL = "https://happy-otter-123.convex.site";
const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

beforeEach(() => {
  process.env.CONVEX_SITE_URL = SITE_URL;
});
afterEach(() => {
  process.env.CONVEX_SITE_URL = SITE_URL;
});

async function rsaRow(id: string) {
  const { publicKey, privateKey } = await generateKeyPair("RS256", { extractable: true });
  return {
    id,
    publicKey: JSON.stringify(await exportJWK(publicKey)),
    privateKey: JSON.stringify(await exportJWK(privateKey)),
    alg: "RS256",
    createdAt: 1_700_000_000_000,
  };
}

function decodeDataUri(uri: string): { keys: Record<string, unknown>[] } {
  const prefix = "data:text/plain;charset=utf-8;base64,";
  expect(uri.startsWith(prefix)).toBe(true);
  return JSON.parse(atob(uri.slice(prefix.length))) as { keys: Record<string, unknown>[] };
}

describe("getAuthConfigProvider", () => {
  it("returns a customJwt provider whose JWKS is the plugin's endpoint", () => {
    expect(getAuthConfigProvider()).toEqual({
      type: "customJwt",
      issuer: SITE_URL,
      applicationID: "convex",
      algorithm: "RS256",
      jwks: `${SITE_URL}/api/auth/convex/jwks`,
    });
  });

  it("honours basePath and strips a trailing slash from CONVEX_SITE_URL", () => {
    process.env.CONVEX_SITE_URL = `${SITE_URL}/`;
    const provider = getAuthConfigProvider({ basePath: "/auth" });
    expect(provider.issuer).toBe(SITE_URL);
    expect(provider.jwks).toBe(`${SITE_URL}/auth/convex/jwks`);
  });

  it("does not throw when CONVEX_SITE_URL is unset (auth.config.ts imported outside Convex)", () => {
    delete process.env.CONVEX_SITE_URL;
    expect(getAuthConfigProvider().jwks).toBe("/api/auth/convex/jwks");
  });

  it("embeds a static JWKS as a data: URI with public key material only", async () => {
    const rows = [await rsaRow("kid-new"), await rsaRow("kid-old")];
    const provider = getAuthConfigProvider({ jwks: JSON.stringify(rows) });
    expect(provider.issuer).toBe(SITE_URL);
    const { keys } = decodeDataUri(provider.jwks);
    expect(keys.map((key) => key.kid)).toEqual(["kid-new", "kid-old"]);
    for (const key of keys) {
      expect(Object.keys(key).sort()).toEqual(["alg", "e", "kid", "kty", "n", "use"]);
      expect(key).toMatchObject({ kty: "RSA", alg: "RS256", use: "sig" });
      for (const member of PRIVATE_MEMBERS) expect(key).not.toHaveProperty(member);
    }
    expect(provider.jwks).not.toContain(rows[0]!.privateKey);
  });

  it("rejects a JWKS string that is not getLatestJwks output", () => {
    expect(() => getAuthConfigProvider({ jwks: "{" })).toThrow(/not valid JSON/);
  });

  it("satisfies Convex's AuthProvider and AuthConfig types", () => {
    const config = { providers: [getAuthConfigProvider()] } satisfies AuthConfig;
    expectTypeOf(config.providers[0]).toMatchTypeOf<AuthProvider>();
    expectTypeOf(getAuthConfigProvider).returns.toMatchTypeOf<AuthProvider>();
  });
});

describe("createPublicJwks", () => {
  it("copies only public members, even from a publicKey that wrongly holds a private JWK", async () => {
    const row = await rsaRow("kid-1");
    const { keys } = createPublicJwks([{ ...row, publicKey: row.privateKey }]);
    expect(Object.keys(keys[0]!).sort()).toEqual(["alg", "e", "kid", "kty", "n", "use"]);
  });

  it("derives alg from the key type for rows written before alg was stored", async () => {
    const ed = await generateKeyPair("EdDSA", { extractable: true });
    const ec = await generateKeyPair("ES256", { extractable: true });
    const { keys } = createPublicJwks([
      { id: "ed", publicKey: JSON.stringify(await exportJWK(ed.publicKey)) },
      { id: "ec", publicKey: JSON.stringify(await exportJWK(ec.publicKey)), alg: null },
    ]);
    expect(keys[0]).toMatchObject({ kty: "OKP", crv: "Ed25519", alg: "EdDSA", kid: "ed" });
    expect(keys[0]).toHaveProperty("x");
    expect(keys[1]).toMatchObject({ kty: "EC", crv: "P-256", alg: "ES256", kid: "ec" });
    expect(keys[1]).toHaveProperty("y");
  });

  it("rejects a row whose publicKey is not a JWK", () => {
    expect(() => createPublicJwks([{ id: "bad", publicKey: "nope" }])).toThrow(
      /"bad" has a publicKey that is not a JSON Web Key/,
    );
  });
});

describe("parseJwksOption", () => {
  it("accepts a single row and string or numeric dates", async () => {
    const row = await rsaRow("kid-1");
    const [parsed] = parseJwksOption(JSON.stringify({ ...row, createdAt: "2024-01-01T00:00:00.000Z", expiresAt: 5 }));
    expect(parsed).toMatchObject({
      id: "kid-1",
      alg: "RS256",
      createdAt: Date.parse("2024-01-01T00:00:00.000Z"),
      expiresAt: 5,
    });
  });

  it("infers a missing alg from the public key", async () => {
    const ed = await generateKeyPair("EdDSA", { extractable: true });
    const [parsed] = parseJwksOption(
      JSON.stringify([{ id: "ed", publicKey: JSON.stringify(await exportJWK(ed.publicKey)), privateKey: "x" }]),
    );
    expect(parsed!.alg).toBe("EdDSA");
    expect(parsed!.createdAt).toBe(0);
  });

  it("rejects rows without the private key and bad dates", () => {
    expect(() => parseJwksOption(JSON.stringify([{ id: "a", publicKey: "{}" }]))).toThrow(
      /entry 0 is missing "privateKey"/,
    );
    expect(() =>
      parseJwksOption(JSON.stringify([{ id: "a", publicKey: "{}", privateKey: "x", createdAt: "yesterday" }])),
    ).toThrow(/invalid createdAt/);
    expect(() => parseJwksOption(JSON.stringify([null]))).toThrow(/entry 0 is not an object/);
  });
});
