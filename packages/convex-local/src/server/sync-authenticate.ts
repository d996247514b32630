import { authenticateToken } from "../auth/index.ts";
import type { AuthProviderConfig, Caller } from "../engine/types.ts";
import { keysEqual } from "./admin-auth.ts";

/** The caller an `Authenticate` message asks for, or why it can't have it. */
export type AuthenticateOutcome =
  | { ok: true; caller: Caller; /** ms since the epoch; the user token's `exp`. */ expiresAt: number | null }
  | { ok: false; error: string };

/**
 * Resolves the token of a sync `Authenticate` message: `Admin` (the
 * deployment's admin key, optionally impersonating a user), `User` (a JWT
 * verified against the deployment's `auth.config.ts` providers) or `None`.
 *
 * @example
 * ```ts
 * const outcome = await authenticateMessage(message, { adminKey, providers: engine.current()?.authConfig ?? [] });
 * if (!outcome.ok) sendAuthError(outcome.error);
 * ```
 */
export async function authenticateMessage(
  message: Record<string, unknown>,
  deployment: { adminKey: string; providers: AuthProviderConfig[] },
): Promise<AuthenticateOutcome> {
  switch (message.tokenType) {
    case "None":
      return { ok: true, caller: { kind: "anonymous" }, expiresAt: null };
    case "Admin": {
      if (typeof message.value !== "string" || !keysEqual(message.value, deployment.adminKey)) {
        return { ok: false, error: "The provided admin key was invalid for this instance." };
      }
      const actingAs = (message.impersonating ?? message.actingAs) as Record<string, unknown> | undefined;
      return { ok: true, caller: actingAs ? { kind: "admin", actingAs } : { kind: "admin" }, expiresAt: null };
    }
    case "User": {
      if (typeof message.value !== "string") return { ok: false, error: "The user token must be a string." };
      try {
        const caller = await authenticateToken(message.value, deployment.providers);
        return { ok: true, caller, expiresAt: tokenExpiry(message.value) };
      } catch (error) {
        return { ok: false, error: (error as Error)?.message ?? String(error) };
      }
    }
    default:
      return { ok: false, error: `Unknown token type ${JSON.stringify(message.tokenType)}.` };
  }
}

/** `exp` of an already verified JWT, in ms; null when it has none. */
function tokenExpiry(token: string): number | null {
  try {
    const payload = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as {
      exp?: unknown;
    };
    return typeof payload.exp === "number" ? payload.exp * 1000 : null;
  } catch {
    return null;
  }
}
