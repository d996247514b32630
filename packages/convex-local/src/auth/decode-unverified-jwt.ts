/**
 * Reads a JWT's header and payload without checking anything, which is how
 * the backend picks the provider that then verifies the token.
 */
import { invalidAuthHeader } from "./auth-errors.ts";

/** The parts of a compact JWS, decoded but not verified. */
export type UnverifiedJwt = {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
};

const PARSE_ERROR =
  "Could not parse JWT payload. Check that the token is a valid JWT format with three base64-encoded parts separated by dots.";

function decodeSegment(segment: string): Record<string, unknown> | null {
  if (!/^[A-Za-z0-9_-]*$/.test(segment)) return null;
  try {
    const value = JSON.parse(Buffer.from(segment, "base64url").toString("utf8")) as unknown;
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/**
 * Decodes `token`; throws `InvalidAuthHeader` with the backend's message when
 * it is not three dot-separated base64url parts with JSON objects in the first two.
 *
 * @example
 * decodeUnverifiedJwt(token).payload.iss; // "https://issuer.example"
 */
export function decodeUnverifiedJwt(token: string): UnverifiedJwt {
  const parts = token.split(".");
  if (parts.length !== 3) throw invalidAuthHeader(PARSE_ERROR);
  const header = decodeSegment(parts[0]!);
  const payload = decodeSegment(parts[1]!);
  if (header === null || payload === null) throw invalidAuthHeader(PARSE_ERROR);
  return { header, payload };
}

/**
 * An issuer as the backend compares it: `https://` prepended when it has no
 * scheme, trailing `/` trimmed.
 *
 * @example
 * normalizeIssuer("auth.example.com/"); // "https://auth.example.com"
 */
export function normalizeIssuer(issuer: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(issuer) ? issuer : `https://${issuer}`;
  return withScheme.replace(/\/+$/, "");
}

/**
 * The token's audiences: `aud` may be one string or an array.
 *
 * @example
 * audiences({ aud: ["a", "b"] }); // ["a", "b"]
 */
export function audiences(payload: Record<string, unknown>): string[] {
  const aud = payload.aud;
  if (typeof aud === "string") return [aud];
  if (Array.isArray(aud)) return aud.filter((a): a is string => typeof a === "string");
  return [];
}
