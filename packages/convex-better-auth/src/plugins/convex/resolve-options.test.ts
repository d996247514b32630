import type { AuthConfig } from "convex/server";
import { beforeEach, describe, expect, it } from "vitest";
import { getAuthConfigProvider } from "../../auth-config/get-auth-config-provider.js";
import { convex } from "./convex-plugin.js";
import { resolveConvexOptions } from "./resolve-options.js";
import { createTestAuth, TEST_SITE_URL, testAuthConfig } from "./test-auth.js";

beforeEach(() => {
  process.env.CONVEX_SITE_URL = TEST_SITE_URL;
});

const STATIC_ROW = {
  id: "kid-1",
  publicKey: JSON.stringify({ kty: "RSA", n: "abc", e: "AQAB" }),
  privateKey: JSON.stringify("ciphertext"),
  alg: "RS256",
  createdAt: 1,
};
const STATIC_JWKS = JSON.stringify([STATIC_ROW]);

describe("convex() option validation", () => {
  it("accepts the default auth config and applies defaults", () => {
    const resolved = resolveConvexOptions({ authConfig: testAuthConfig() });
    expect(resolved.expirationSeconds).toBe(900);
    expect(resolved.rotateOnError).toBe(false);
    expect(resolved.staticJwks).toBeUndefined();
    expect(resolved.warnings).toEqual([]);
    expect(convex({ authConfig: testAuthConfig() }).id).toBe("convex");
  });

  it("requires authConfig", () => {
    expect(() => convex({} as never)).toThrow(/`authConfig` is required/);
  });

  it('requires exactly one provider with applicationID "convex"', () => {
    expect(() => convex({ authConfig: { providers: [] } })).toThrow(/no provider with applicationID "convex"/);
    expect(() =>
      convex({ authConfig: { providers: [{ domain: "https://clerk.example.com", applicationID: "clerk" }] } }),
    ).toThrow(/Add getAuthConfigProvider\(\)/);
    expect(() => convex({ authConfig: { providers: [getAuthConfigProvider(), getAuthConfigProvider()] } })).toThrow(
      /2 providers with applicationID "convex"; exactly one is allowed/,
    );
  });

  it("allows other providers next to the convex one", () => {
    const authConfig: AuthConfig = {
      providers: [{ domain: "https://clerk.example.com", applicationID: "clerk" }, getAuthConfigProvider()],
    };
    expect(() => convex({ authConfig })).not.toThrow();
  });

  it("requires RS256 for a customJwt provider", () => {
    const authConfig: AuthConfig = { providers: [{ ...getAuthConfigProvider(), algorithm: "ES256" }] };
    expect(() => convex({ authConfig })).toThrow(/only RS256 is supported/);
  });

  it("requires the jwks option when auth.config.ts embeds a data: JWKS", () => {
    const authConfig = testAuthConfig({ jwks: STATIC_JWKS });
    expect(() => convex({ authConfig })).toThrow(
      /embeds a static JWKS \(a data: URI\), but the plugin has no `jwks` option/,
    );
    expect(() => convex({ authConfig, jwks: STATIC_JWKS })).not.toThrow();
  });

  it("rejects a jwks option whose keys differ from the embedded ones", () => {
    const other = JSON.stringify([{ ...STATIC_ROW, id: "kid-2" }]);
    expect(() => convex({ authConfig: testAuthConfig({ jwks: STATIC_JWKS }), jwks: other })).toThrow(
      /hold different keys \(auth config kids: kid-1; plugin kids: kid-2\)/,
    );
  });

  it("warns (without failing) when the jwks option is set but auth.config.ts fetches keys", () => {
    const resolved = resolveConvexOptions({ authConfig: testAuthConfig(), jwks: STATIC_JWKS });
    expect(resolved.warnings).toHaveLength(1);
    expect(resolved.warnings[0]).toMatch(/getAuthConfigProvider\(\{ jwks \}\)/);
  });

  it("rejects a malformed jwks option", () => {
    expect(() => convex({ authConfig: testAuthConfig(), jwks: "not json" })).toThrow(
      /invalid `jwks` option.*not valid JSON/,
    );
    expect(() => convex({ authConfig: testAuthConfig(), jwks: "[]" })).toThrow(/holds no keys/);
    expect(() =>
      convex({ authConfig: testAuthConfig(), jwks: JSON.stringify([{ id: "a", publicKey: "{}" }]) }),
    ).toThrow(/missing "privateKey"/);
  });

  it("rejects a non-positive expirationSeconds and a relative basePath", () => {
    expect(() => convex({ authConfig: testAuthConfig(), jwt: { expirationSeconds: 0 } })).toThrow(/expirationSeconds/);
    expect(() => convex({ authConfig: testAuthConfig(), jwt: { expirationSeconds: Number.NaN } })).toThrow(
      /expirationSeconds/,
    );
    expect(() => convex({ authConfig: testAuthConfig(), options: { basePath: "api/auth" } })).toThrow(
      /options.basePath must start with "\/"/,
    );
  });
});

describe("convex() startup warnings", () => {
  async function warningsFor(options: Parameters<typeof createTestAuth>[0]): Promise<string[]> {
    const warnings: string[] = [];
    const { auth } = createTestAuth({
      ...options,
      auth: {
        ...options?.auth,
        logger: { level: "warn", log: (level, message) => void (level === "warn" && warnings.push(message)) },
      },
    });
    await auth.$context;
    return warnings.filter((message) => message.includes("[convex-better-auth]"));
  }

  it("is silent for a consistent setup", async () => {
    expect(await warningsFor({})).toEqual([]);
    expect(
      await warningsFor({
        auth: { basePath: "/auth" },
        convex: { options: { basePath: "/auth" }, authConfig: testAuthConfig({ basePath: "/auth" }) },
      }),
    ).toEqual([]);
  });

  it("warns when Better Auth's basePath differs from options.basePath and the JWKS URL", async () => {
    const warnings = await warningsFor({ auth: { basePath: "/auth" } });
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/basePath is "\/auth" but convex\(\{ options: \{ basePath \} \}\) is "\/api\/auth"/);
    expect(warnings[1]).toMatch(
      /fetches keys from ".*\/api\/auth\/convex\/jwks".*"<CONVEX_SITE_URL>\/auth\/convex\/jwks"/,
    );
  });
});
