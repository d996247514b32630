/**
 * Turns a parsed `Authorization` header into the caller a function runs as:
 * admin (optionally acting as a user), a verified JWT user, or anonymous.
 */
import type { RequestAuth } from "../server/admin-auth.ts";
import type { AuthProviderConfig, Caller } from "../engine/types.ts";
import { authenticateToken } from "./authenticate-token.ts";

/**
 * The caller for `auth`; a `Bearer` token is verified against `providers`
 * and an invalid one throws the backend's 401 error.
 *
 * @example
 * const caller = await callerFromRequestAuth(parseAuthorization(header, adminKey), engine.current()?.authConfig ?? []);
 */
export async function callerFromRequestAuth(auth: RequestAuth, providers: AuthProviderConfig[]): Promise<Caller> {
  if (auth.kind === "admin") return auth.actingAs ? { kind: "admin", actingAs: auth.actingAs } : { kind: "admin" };
  if (auth.kind === "bearer") return await authenticateToken(auth.token, providers);
  return { kind: "anonymous" };
}
