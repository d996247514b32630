import { symmetricEncrypt } from "better-auth/crypto";
import { jwt } from "better-auth/plugins";
import { exportJWK, generateKeyPair, type JSONWebKeySet } from "jose";
import { beforeEach, describe, expect, it } from "vitest";
import { getAuthConfigProvider } from "../../auth-config/get-auth-config-provider.js";
import {
  createCookieJar,
  createTestAuth,
  send,
  signUp,
  TEST_SECRET,
  TEST_SITE_URL,
  testAuthConfig,
  verifyWithJwks,
} from "./test-auth.js";

beforeEach(() => {
  process.env.CONVEX_SITE_URL = TEST_SITE_URL;
});

type Auth = ReturnType<typeof createTestAuth>["auth"];

async function signedUpToken(auth: Auth, email = "ada@example.com"): Promise<string> {
  const jar = createCookieJar();
  await signUp(auth, jar, email);
  const response = await send(auth, jar, "/convex/token");
  expect(response.status).toBe(200);
  return ((await response.json()) as { token: string }).token;
}

async function fetchJwks(auth: Auth): Promise<JSONWebKeySet> {
  return (await (await send(auth, createCookieJar(), "/convex/jwks")).json()) as JSONWebKeySet;
}

function decodeDataUri(uri: string): JSONWebKeySet {
  expect(uri.startsWith("data:text/plain;charset=utf-8;base64,")).toBe(true);
  return JSON.parse(atob(uri.slice(uri.indexOf(",") + 1))) as JSONWebKeySet;
}

/** An Ed25519 key stored the way pre-1.7 setups left it: no `alg`, plain private JWK. */
async function legacyEd25519Row() {
  const { publicKey, privateKey } = await generateKeyPair("EdDSA", { extractable: true });
  return {
    id: "legacy-ed25519",
    publicKey: JSON.stringify(await exportJWK(publicKey)),
    privateKey: JSON.stringify(await exportJWK(privateKey)),
    createdAt: new Date(),
  };
}

describe("GET /convex/jwks", () => {
  it("creates the first key on demand and publishes only public RSA members", async () => {
    const { auth, db } = createTestAuth();
    const jwks = await fetchJwks(auth);
    expect(db.jwks).toHaveLength(1);
    expect(db.jwks![0]!.alg).toBe("RS256");
    expect(jwks.keys).toHaveLength(1);
    const [key] = jwks.keys;
    expect(key).toEqual({
      kty: "RSA",
      n: expect.any(String),
      e: "AQAB",
      kid: db.jwks![0]!.id,
      alg: "RS256",
      use: "sig",
    });
    // The private key is stored encrypted (a JSON string), not as a JWK.
    expect(typeof JSON.parse(db.jwks![0]!.privateKey as string)).toBe("string");
  });

  it("shares the jwks table with Better Auth's jwt plugin without using or publishing its keys", async () => {
    const { auth, db } = createTestAuth({ before: [jwt()] });
    // A key the jwt plugin owns (its default algorithm), minted before ours.
    const edRow = await legacyEd25519Row();
    const encrypted = await symmetricEncrypt({ key: TEST_SECRET, data: edRow.privateKey });
    db.jwks!.push({ ...edRow, privateKey: JSON.stringify(encrypted), id: "jwt-plugin-key", alg: "EdDSA" });
    const edKey = db.jwks![0]!;
    const jar = createCookieJar();
    await signUp(auth, jar, "ada@example.com");
    const jwtPluginToken = (await (await send(auth, jar, "/token")).json()) as { token: string };
    expect(JSON.parse(atob(jwtPluginToken.token.split(".")[0]!)).kid).toBe("jwt-plugin-key");

    const response = await send(auth, jar, "/convex/token");
    const { token } = (await response.json()) as { token: string };
    const { header } = await verifyWithJwks(auth, token);
    expect(header.kid).not.toBe(edKey!.id);
    expect((await fetchJwks(auth)).keys.map((key) => key.kid)).not.toContain(edKey!.id);

    await auth.api.rotateKeys();
    expect(db.jwks!.map((row) => row.id)).toContain(edKey!.id);
  });
});

describe("auth.api.getLatestJwks / auth.api.rotateKeys", () => {
  it("are server-only", () => {
    const { auth } = createTestAuth();
    type WithMetadata = { metadata?: { SERVER_ONLY?: boolean } };
    expect((auth.api.getLatestJwks.options as WithMetadata).metadata?.SERVER_ONLY).toBe(true);
    expect((auth.api.rotateKeys.options as WithMetadata).metadata?.SERVER_ONLY).toBe(true);
    expect(auth.api.getLatestJwks.path).toBeUndefined();
  });

  it("getLatestJwks returns the newest key with its encrypted private key, alg and numeric dates", async () => {
    const { auth, db } = createTestAuth();
    const rows = await auth.api.getLatestJwks();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toEqual({
      id: db.jwks![0]!.id,
      publicKey: db.jwks![0]!.publicKey,
      privateKey: db.jwks![0]!.privateKey,
      alg: "RS256",
      createdAt: (db.jwks![0]!.createdAt as Date).getTime(),
    });
    // Idempotent: no second key.
    await auth.api.getLatestJwks();
    expect(db.jwks).toHaveLength(1);
  });

  it("rotateKeys replaces the keys: old tokens stop verifying, new ones verify", async () => {
    const { auth, db } = createTestAuth();
    const oldToken = await signedUpToken(auth);
    const oldKid = db.jwks![0]!.id;

    const rotated = await auth.api.rotateKeys();
    expect(rotated).toHaveLength(1);
    expect(rotated[0]!.id).not.toBe(oldKid);
    expect(db.jwks!.map((row) => row.id)).toEqual([rotated[0]!.id]);

    const jwks = await fetchJwks(auth);
    await expect(verifyWithJwks(auth, oldToken, jwks)).rejects.toThrow();
    const newToken = await signedUpToken(auth, "bob@example.com");
    const { header } = await verifyWithJwks(auth, newToken, jwks);
    expect(header.kid).toBe(rotated[0]!.id);
  });
});

describe("static jwks option", () => {
  async function exportedJwks(): Promise<{ json: string; source: Auth }> {
    const { auth } = createTestAuth();
    return { json: JSON.stringify(await auth.api.getLatestJwks()), source: auth };
  }

  it("round-trips getLatestJwks output: signs, verifies, and never writes keys", async () => {
    const { json, source } = await exportedJwks();
    const { auth, db } = createTestAuth({
      convex: { jwks: json, authConfig: testAuthConfig({ jwks: json }) },
    });
    const token = await signedUpToken(auth);

    const inline = decodeDataUri(getAuthConfigProvider({ jwks: json }).jwks);
    const { header } = await verifyWithJwks(auth, token, inline);
    expect(header.kid).toBe((JSON.parse(json) as { id: string }[])[0]!.id);
    await verifyWithJwks(auth, token, await fetchJwks(auth));
    await verifyWithJwks(source, token); // the exporting deployment's keys agree
    expect(await auth.api.getLatestJwks()).toEqual(JSON.parse(json));
    expect(db.jwks).toEqual([]);
  });

  it("refuses rotateKeys", async () => {
    const { json } = await exportedJwks();
    const { auth } = createTestAuth({ convex: { jwks: json, authConfig: testAuthConfig({ jwks: json }) } });
    await expect(auth.api.rotateKeys()).rejects.toMatchObject({ body: { code: "STATIC_JWKS_CANNOT_ROTATE" } });
  });

  it("reports a decryption failure when BETTER_AUTH_SECRET changed", async () => {
    const { json } = await exportedJwks();
    const { auth } = createTestAuth({
      convex: { jwks: json, authConfig: testAuthConfig({ jwks: json }) },
      auth: { secret: "a-different-secret-that-is-also-long-enough-0123456789" },
    });
    const jar = createCookieJar();
    await signUp(auth, jar, "ada@example.com");
    const response = await send(auth, jar, "/convex/token");
    expect(response.status).toBe(500);
    expect(((await response.json()) as { code: string }).code).toBe("SIGNING_KEY_DECRYPTION_FAILED");
  });

  it("reports an algorithm mismatch for a non-RS256 static key, even with jwksRotateOnTokenGenerationError", async () => {
    const json = JSON.stringify([await legacyEd25519Row()]);
    const { auth, db } = createTestAuth({ convex: { jwks: json, jwksRotateOnTokenGenerationError: true } });
    const jar = createCookieJar();
    await signUp(auth, jar, "ada@example.com");
    const response = await send(auth, jar, "/convex/token");
    expect(response.status).toBe(500);
    expect(((await response.json()) as { code: string }).code).toBe("SIGNING_KEY_ALGORITHM_MISMATCH");
    expect(db.jwks).toEqual([]);
  });
});

describe("jwksRotateOnTokenGenerationError", () => {
  it("without it, a stored key that cannot sign RS256 fails with a hint", async () => {
    const { auth, db } = createTestAuth();
    db.jwks!.push(await legacyEd25519Row());
    const jar = createCookieJar();
    await signUp(auth, jar, "ada@example.com");
    const response = await send(auth, jar, "/convex/token");
    expect(response.status).toBe(500);
    const body = (await response.json()) as { code: string; message: string };
    expect(body.code).toBe("SIGNING_KEY_ALGORITHM_MISMATCH");
    expect(body.message).toContain("jwksRotateOnTokenGenerationError");
    expect(body.message).toContain("legacy-ed25519");
  });

  it("with it, replaces the stored key with an RS256 key and retries once", async () => {
    const { auth, db } = createTestAuth({ convex: { jwksRotateOnTokenGenerationError: true } });
    db.jwks!.push(await legacyEd25519Row());
    const token = await signedUpToken(auth);
    const { header } = await verifyWithJwks(auth, token);
    expect(db.jwks).toHaveLength(1);
    expect(db.jwks![0]!.id).not.toBe("legacy-ed25519");
    expect(db.jwks![0]!.alg).toBe("RS256");
    expect(header.kid).toBe(db.jwks![0]!.id);
  });
});
