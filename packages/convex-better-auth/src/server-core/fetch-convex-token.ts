import { FRAMEWORK_ERROR_CODES } from "./errors.js";
import { getForwardedOrigin, setForwardedOriginHeaders } from "./forwarded-origin.js";

/**
 * What a server-side token request needs.
 *
 * @internal
 */
export type FetchConvexTokenOptions = {
  convexSiteUrl: string;
  basePath: string;
  /** Replaces the global `fetch`. */
  fetch?: typeof fetch;
  /** Where unexpected failures are reported. */
  logger?: Pick<Console, "error">;
  /**
   * Called with every error caught here before it is turned into "no
   * token": frameworks use it to let their control-flow errors through
   * (Next.js aborts prerendering by throwing from a patched `fetch`).
   */
  rethrow?: (error: unknown) => void;
};

/**
 * Ask Convex for a fresh Convex JWT on behalf of the browser that sent
 * `incoming`: `GET {convexSiteUrl}{basePath}/convex/token` with its cookies.
 *
 * Only the cookies and the browser-facing origin are sent. Forwarding every
 * incoming header broke this call before: `accept-encoding` from the browser
 * got a compressed answer the server could not read (#294), and
 * `x-forwarded-host` made Convex's edge answer 404 (#422).
 *
 * @returns The token, or undefined when there is no session (401/403, not
 * logged) or the request failed (logged with code `TOKEN_REQUEST_FAILED`).
 *
 * @see https://github.com/get-convex/better-auth/issues/294
 *
 * @example
 * ```ts
 * const token = await fetchConvexToken(request.headers, { convexSiteUrl, basePath: "/api/auth" });
 * ```
 */
export async function fetchConvexToken(
  incoming: Headers,
  options: FetchConvexTokenOptions,
): Promise<string | undefined> {
  const cookie = incoming.get("cookie");
  // Without cookies there can be no session: skip the round trip.
  if (!cookie) return undefined;
  const url = `${options.convexSiteUrl}${options.basePath}/convex/token`;
  const headers = new Headers({ cookie, accept: "application/json", "accept-encoding": "identity" });
  setForwardedOriginHeaders(headers, getForwardedOrigin(incoming));
  const logger = options.logger ?? console;
  try {
    const response = await (options.fetch ?? fetch)(url, {
      method: "GET",
      headers,
      redirect: "manual",
    });
    if (response.status === 401 || response.status === 403) {
      await response.body?.cancel();
      return undefined;
    }
    if (!response.ok) {
      const body = await response.text().catch(() => "");
      logger.error(
        `[${FRAMEWORK_ERROR_CODES.TOKEN_REQUEST_FAILED}] GET ${url} answered ${response.status}: ${body.slice(0, 500)}`,
      );
      return undefined;
    }
    const data = (await response.json()) as { token?: unknown } | null;
    if (typeof data?.token === "string" && data.token !== "") return data.token;
    logger.error(`[${FRAMEWORK_ERROR_CODES.TOKEN_REQUEST_FAILED}] GET ${url} answered without a token.`);
    return undefined;
  } catch (error) {
    options.rethrow?.(error);
    logger.error(
      `[${FRAMEWORK_ERROR_CODES.TOKEN_REQUEST_FAILED}] GET ${url} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
    return undefined;
  }
}
