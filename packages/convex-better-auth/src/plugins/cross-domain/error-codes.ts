import { defineErrorCodes } from "better-auth";

/**
 * Error codes of `POST /cross-domain/one-time-token/verify`, as
 * `{ code, message }`. The messages are the prior art's; the codes are
 * stable and only ever added to.
 *
 * @example
 * ```ts
 * const { error } = await authClient.crossDomain.oneTimeToken.verify({ token });
 * if (error?.code === CROSS_DOMAIN_ERROR_CODES.INVALID_TOKEN.code) showSignIn();
 * ```
 */
export const CROSS_DOMAIN_ERROR_CODES = defineErrorCodes({
  INVALID_TOKEN: "Invalid token",
  SESSION_NOT_FOUND: "Session not found",
  SESSION_EXPIRED: "Session expired",
});

/**
 * A key of {@link CROSS_DOMAIN_ERROR_CODES}.
 *
 * @example
 * ```ts
 * const code: CrossDomainErrorCode = "INVALID_TOKEN";
 * ```
 */
export type CrossDomainErrorCode = keyof typeof CROSS_DOMAIN_ERROR_CODES;
