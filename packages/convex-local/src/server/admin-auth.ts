import { timingSafeEqual } from "node:crypto";
import { CodedError } from "../deploy/coded-error.ts";

/** Who an `Authorization` header says the caller is. */
export type RequestAuth =
  { kind: "none" } | { kind: "admin"; actingAs?: Record<string, unknown> } | { kind: "bearer"; token: string };

/**
 * Compares two keys in constant time (a key mismatch must not leak how much
 * of the key was right).
 *
 * @example
 * ```ts
 * keysEqual("a", "a"); // true
 * ```
 */
export function keysEqual(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Parses `Authorization: Convex <adminKey>[:<base64 identity JSON>]` (admin,
 * optionally acting as a user, as `npx convex run --identity` sends it) or
 * `Bearer <jwt>`. A `Convex` header with the wrong key is `BadAdminKey`.
 *
 * @example
 * ```ts
 * parseAuthorization("Convex my-key", "my-key"); // { kind: "admin" }
 * parseAuthorization(undefined, "my-key"); // { kind: "none" }
 * ```
 */
export function parseAuthorization(header: string | undefined, adminKey: string): RequestAuth {
  if (header === undefined || header === "") return { kind: "none" };
  if (header.startsWith("Bearer ")) return { kind: "bearer", token: header.slice("Bearer ".length).trim() };
  if (!header.startsWith("Convex ")) {
    throw new CodedError(
      "InvalidAdminKey",
      "The Authorization header must be `Convex <admin key>` or `Bearer <token>`.",
      400,
    );
  }
  const value = header.slice("Convex ".length).trim();
  if (keysEqual(value, adminKey)) return { kind: "admin" };
  // The key may itself contain ":", so match on the known key as a prefix.
  if (
    value.length > adminKey.length &&
    keysEqual(value.slice(0, adminKey.length), adminKey) &&
    value[adminKey.length] === ":"
  ) {
    return { kind: "admin", actingAs: decodeIdentity(value.slice(adminKey.length + 1)) };
  }
  throw badAdminKey();
}

/**
 * Checks that a request carries this deployment's admin key.
 *
 * @example
 * ```ts
 * requireAdmin(req.headers.authorization, adminKey); // throws 401 BadAdminKey otherwise
 * ```
 */
export function requireAdmin(header: string | undefined, adminKey: string): void {
  const auth = header ? parseAuthorization(header, adminKey) : { kind: "none" as const };
  if (auth.kind !== "admin") throw badAdminKey();
}

/** The 401 the CLI prints as `BadAdminKey: …`. */
export function badAdminKey(): CodedError {
  return new CodedError(
    "BadAdminKey",
    "The provided admin key was invalid for this instance. Check CONVEX_SELF_HOSTED_ADMIN_KEY against the key convex-local printed at start.",
    401,
  );
}

function decodeIdentity(encoded: string): Record<string, unknown> {
  try {
    const identity = JSON.parse(Buffer.from(encoded, "base64").toString("utf8")) as unknown;
    if (typeof identity === "object" && identity !== null && !Array.isArray(identity))
      return identity as Record<string, unknown>;
  } catch {
    // Fall through to the coded error.
  }
  throw new CodedError(
    "InvalidAuthHeader",
    "The identity after the admin key must be base64-encoded JSON of an object.",
    401,
  );
}
