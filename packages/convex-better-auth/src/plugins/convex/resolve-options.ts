import { BetterAuthError } from "better-auth";
import type { AuthProvider } from "convex/server";
import { parseJwksOption, type ExportedJwk } from "../../auth-config/parse-jwks-option.js";
import type { ConvexPluginOptions, DefineConvexJwtPayload } from "./types.js";

/**
 * Default JWT lifetime: short, because Convex clients refetch before expiry.
 *
 * @example
 * ```ts
 * convex({ authConfig, jwt: { expirationSeconds: DEFAULT_EXPIRATION_SECONDS * 2 } });
 * ```
 */
export const DEFAULT_EXPIRATION_SECONDS = 900;

/**
 * The `convex()` options after validation, with defaults applied.
 *
 * @internal
 */
export type ResolvedConvexOptions = {
  provider: AuthProvider;
  expirationSeconds: number;
  definePayload: DefineConvexJwtPayload | undefined;
  /** Rows from the static `jwks` option, or undefined when keys live in the database. */
  staticJwks: ExportedJwk[] | undefined;
  rotateOnError: boolean;
  /** `options.basePath` as configured (undefined means the default). */
  basePath: string | undefined;
  /** Problems that are worth a startup warning but not a crash. */
  warnings: string[];
};

function configError(message: string): BetterAuthError {
  return new BetterAuthError(`[convex-better-auth] convex(): ${message}`);
}

function decodeDataUriKids(uri: string): string[] | undefined {
  const comma = uri.indexOf(",");
  if (comma === -1 || !uri.slice(0, comma).endsWith(";base64")) return undefined;
  try {
    const binary = atob(uri.slice(comma + 1));
    const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
    const parsed = JSON.parse(new TextDecoder().decode(bytes)) as { keys?: { kid?: unknown }[] };
    return (parsed.keys ?? []).map((key) => String(key.kid));
  } catch {
    return undefined;
  }
}

/**
 * Validate `convex()` options against the Convex auth config, failing at
 * construction with a message that says what to change.
 *
 * @param options - The options passed to `convex()`.
 * @returns The validated options with defaults applied.
 * @throws BetterAuthError when the auth config lists no or several `"convex"`
 * providers, the provider is a non-RS256 `customJwt`, the auth config embeds a
 * `data:` JWKS without the plugin's `jwks` option (or with different keys),
 * `jwks` is malformed, or `jwt.expirationSeconds` is not a positive number.
 *
 * @example
 * ```ts
 * const resolved = resolveConvexOptions({ authConfig });
 * resolved.expirationSeconds; // 900
 * ```
 */
export function resolveConvexOptions(options: ConvexPluginOptions): ResolvedConvexOptions {
  const warnings: string[] = [];
  const providers = (options as Partial<ConvexPluginOptions>)?.authConfig?.providers;
  if (!Array.isArray(providers)) {
    throw configError(
      "`authConfig` is required. Pass the default export of convex/auth.config.ts: " +
        '`import authConfig from "./auth.config"; convex({ authConfig })`.',
    );
  }
  const convexProviders = providers.filter((provider) => provider?.applicationID === "convex");
  if (convexProviders.length === 0) {
    throw configError(
      'authConfig.providers has no provider with applicationID "convex". ' +
        "Add getAuthConfigProvider() from convex-better-auth/auth-config to convex/auth.config.ts.",
    );
  }
  if (convexProviders.length > 1) {
    throw configError(
      `authConfig.providers has ${convexProviders.length} providers with applicationID "convex"; exactly one is allowed. ` +
        "Keep a single getAuthConfigProvider() entry.",
    );
  }
  const provider = convexProviders[0] as AuthProvider;

  let staticJwks: ExportedJwk[] | undefined;
  if (options.jwks !== undefined) {
    try {
      staticJwks = parseJwksOption(options.jwks);
    } catch (error) {
      throw configError(`invalid \`jwks\` option. ${(error as Error).message}`);
    }
  }

  if ("type" in provider && provider.type === "customJwt") {
    if (provider.algorithm !== "RS256") {
      throw configError(
        `the "convex" provider uses algorithm "${String(provider.algorithm)}", but only RS256 is supported. ` +
          'Use getAuthConfigProvider(), which sets algorithm: "RS256".',
      );
    }
    const inlineJwks = typeof provider.jwks === "string" && provider.jwks.startsWith("data:");
    if (inlineJwks && !staticJwks) {
      throw configError(
        "convex/auth.config.ts embeds a static JWKS (a data: URI), but the plugin has no `jwks` option, so it would " +
          "sign with database keys Convex does not trust. Pass the same value to both: " +
          "getAuthConfigProvider({ jwks: process.env.JWKS }) and convex({ authConfig, jwks: process.env.JWKS }).",
      );
    }
    if (inlineJwks && staticJwks) {
      const trusted = decodeDataUriKids(provider.jwks);
      const signing = staticJwks.map((row) => row.id);
      if (trusted && !signing.some((kid) => trusted.includes(kid))) {
        throw configError(
          "the JWKS embedded in convex/auth.config.ts and the plugin's `jwks` option hold different keys " +
            `(auth config kids: ${trusted.join(", ") || "none"}; plugin kids: ${signing.join(", ")}). ` +
            "Pass the same JWKS value to getAuthConfigProvider() and convex().",
        );
      }
    }
    if (!inlineJwks && staticJwks) {
      warnings.push(
        "the plugin has a static `jwks` option but convex/auth.config.ts fetches keys over HTTP. It works, but pass " +
          "the same value to getAuthConfigProvider({ jwks }) to spare Convex a JWKS fetch per token validation.",
      );
    }
  }

  const expirationSeconds = options.jwt?.expirationSeconds ?? DEFAULT_EXPIRATION_SECONDS;
  if (typeof expirationSeconds !== "number" || !Number.isFinite(expirationSeconds) || expirationSeconds < 1) {
    throw configError(
      `jwt.expirationSeconds must be a number of seconds, at least 1, got ${String(expirationSeconds)}.`,
    );
  }

  const basePath = options.options?.basePath;
  if (basePath !== undefined && !basePath.startsWith("/")) {
    throw configError(`options.basePath must start with "/", got "${basePath}".`);
  }

  return {
    provider,
    expirationSeconds: Math.floor(expirationSeconds),
    definePayload: options.jwt?.definePayload,
    staticJwks,
    rotateOnError: options.jwksRotateOnTokenGenerationError ?? false,
    basePath,
    warnings,
  };
}
