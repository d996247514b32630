import type { AuthProvider } from "convex/server";
import { createPublicJwks } from "./create-public-jwks.js";
import { parseJwksOption } from "./parse-jwks-option.js";

/**
 * Better Auth's default `basePath`, which the plugin's routes hang off.
 *
 * @example
 * ```ts
 * betterAuth({ basePath: DEFAULT_BASE_PATH });
 * ```
 */
export const DEFAULT_BASE_PATH = "/api/auth";

/**
 * Options for {@link getAuthConfigProvider}.
 *
 * @example
 * ```ts
 * const options: GetAuthConfigProviderOptions = { basePath: "/auth", jwks: process.env.JWKS };
 * getAuthConfigProvider(options);
 * ```
 */
export type GetAuthConfigProviderOptions = {
  /**
   * Better Auth's `basePath`. Must match the `basePath` given to `betterAuth()`
   * and to `convex({ options: { basePath } })`.
   *
   * @default "/api/auth"
   */
  basePath?: string;
  /**
   * The static JWKS (the JSON printed by `auth.api.getLatestJwks()`, usually
   * `process.env.JWKS`). When set, the public keys are embedded as a `data:`
   * URI so the Convex backend validates tokens without fetching
   * `/convex/jwks`. Only public key material is embedded.
   */
  jwks?: string;
};

/**
 * The Convex auth provider entry for Better Auth. It is a `customJwt`
 * provider, which `AuthProvider` from `convex/server` accepts.
 *
 * @example
 * ```ts
 * const provider: ConvexBetterAuthProvider = getAuthConfigProvider();
 * provider.jwks; // "https://<deployment>.convex.site/api/auth/convex/jwks"
 * ```
 */
export type ConvexBetterAuthProvider = {
  type: "customJwt";
  issuer: string;
  applicationID: "convex";
  algorithm: "RS256";
  jwks: string;
};

function toBase64(text: string): string {
  // btoa takes Latin-1 only; encoding to UTF-8 bytes first keeps any input safe.
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/**
 * The provider to list in `convex/auth.config.ts` so Convex accepts the JWTs
 * the `convex()` Better Auth plugin issues.
 *
 * The issuer is `process.env.CONVEX_SITE_URL`, which Convex sets in every
 * deployment. Tokens are RS256 with audience `"convex"`. Keys come from
 * `${CONVEX_SITE_URL}${basePath}/convex/jwks`, or, with `jwks`, from an inline
 * `data:` URI holding only the public keys.
 *
 * @param options - `basePath` when Better Auth is not mounted at `/api/auth`;
 * `jwks` to embed a static key set.
 * @returns A `customJwt` provider.
 * @throws Error when `jwks` is not the output of `auth.api.getLatestJwks()`.
 *
 * @example
 * ```ts
 * // convex/auth.config.ts
 * import { getAuthConfigProvider } from "convex-better-auth/auth-config";
 * import type { AuthConfig } from "convex/server";
 *
 * export default {
 *   providers: [getAuthConfigProvider()],
 * } satisfies AuthConfig;
 * ```
 *
 * @example
 * ```ts
 * // Static keys: no JWKS fetch per token validation.
 * export default {
 *   providers: [getAuthConfigProvider({ jwks: process.env.JWKS })],
 * } satisfies AuthConfig;
 * ```
 */
export function getAuthConfigProvider(options: GetAuthConfigProviderOptions = {}): ConvexBetterAuthProvider {
  // Not an error when unset: Convex always sets it, and throwing here would
  // break any tool or test that merely imports auth.config.ts. The plugin
  // reports the missing variable when it mints a token.
  // Trailing slashes are stripped the same way the plugin strips them for
  // `iss`, since Convex compares the issuer as an exact string.
  const siteUrl = (process.env.CONVEX_SITE_URL ?? "").replace(/\/+$/, "");
  const basePath = options.basePath ?? DEFAULT_BASE_PATH;
  const jwks =
    options.jwks !== undefined
      ? `data:text/plain;charset=utf-8;base64,${toBase64(JSON.stringify(createPublicJwks(parseJwksOption(options.jwks))))}`
      : `${siteUrl}${basePath}/convex/jwks`;
  const provider = {
    type: "customJwt",
    issuer: siteUrl,
    applicationID: "convex",
    algorithm: "RS256",
    jwks,
  } as const;
  return provider satisfies AuthProvider;
}
