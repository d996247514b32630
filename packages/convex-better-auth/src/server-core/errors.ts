/**
 * Codes of the errors the framework helpers (`convex-better-auth/nextjs`,
 * `/react-start`, `/react`) throw, return or log. They never cross a Convex
 * function boundary, so they are plain `Error`s carrying a stable `code`;
 * callers branch on the code, never on the message.
 *
 * @example
 * ```ts
 * if (isFrameworkError(error, FRAMEWORK_ERROR_CODES.INVALID_CONVEX_SITE_URL)) console.error(error.message);
 * ```
 */
export const FRAMEWORK_ERROR_CODES = {
  /** `convexSiteUrl` is missing, not an http(s) URL, or is the `.convex.cloud` URL. */
  INVALID_CONVEX_SITE_URL: "INVALID_CONVEX_SITE_URL",
  /** `convexUrl` is missing, not an http(s) URL, or is the `.convex.site` URL. */
  INVALID_CONVEX_URL: "INVALID_CONVEX_URL",
  /** `basePath` does not start with `/`. */
  INVALID_BASE_PATH: "INVALID_BASE_PATH",
  /** The auth proxy could not reach the Convex site URL (answered as a 502). */
  CONVEX_SITE_UNREACHABLE: "CONVEX_SITE_UNREACHABLE",
  /** `GET /convex/token` failed for another reason than "no session" (logged, not thrown). */
  TOKEN_REQUEST_FAILED: "TOKEN_REQUEST_FAILED",
} as const;

/**
 * One of {@link FRAMEWORK_ERROR_CODES}.
 *
 * @example
 * ```ts
 * const code: FrameworkErrorCode = "INVALID_CONVEX_SITE_URL";
 * ```
 */
export type FrameworkErrorCode = (typeof FRAMEWORK_ERROR_CODES)[keyof typeof FRAMEWORK_ERROR_CODES];

// A registry-wide symbol, so errors from a second copy of the package (common
// in apps that bundle server and client separately) are still recognised.
const BRAND = Symbol.for("convex-better-auth:FrameworkError");

/**
 * The error the framework helpers throw for misconfiguration.
 *
 * @example
 * ```ts
 * throw new ConvexBetterAuthFrameworkError("INVALID_BASE_PATH", 'basePath must start with "/"');
 * ```
 */
export class ConvexBetterAuthFrameworkError extends Error {
  override readonly name = "ConvexBetterAuthFrameworkError";
  readonly code: FrameworkErrorCode;
  readonly [BRAND] = true;

  constructor(code: FrameworkErrorCode, message: string, options?: { cause?: unknown }) {
    super(`[${code}] ${message}`, options);
    this.code = code;
  }
}

/**
 * True when `error` is a {@link ConvexBetterAuthFrameworkError}, optionally
 * with the given code. Checks the brand, not the class, so it works across
 * package copies.
 *
 * @example
 * ```ts
 * try {
 *   convexBetterAuthNextJs({ convexUrl, convexSiteUrl });
 * } catch (error) {
 *   if (isFrameworkError(error, "INVALID_CONVEX_SITE_URL")) console.error("Use the .convex.site URL");
 * }
 * ```
 */
export function isFrameworkError(error: unknown, code?: FrameworkErrorCode): error is ConvexBetterAuthFrameworkError {
  if (typeof error !== "object" || error === null || (error as { [BRAND]?: unknown })[BRAND] !== true) return false;
  return code === undefined || (error as ConvexBetterAuthFrameworkError).code === code;
}
