import { convexBetterAuthError } from "../shared/errors.js";
import type { Where } from "../component-api/validators.js";

/** Best-effort writes Better Auth makes while reading: refreshing a session and deleting expired rows. */
const REFRESH_FIELDS = new Set(["expiresAt", "updatedAt"]);
const CLEANUP_MODELS = new Set(["session", "verification"]);

/** A session refresh: only the expiry and update time change. */
export function isSessionRefresh(modelKey: string, update: Record<string, unknown>): boolean {
  return modelKey === "session" && Object.keys(update).every((field) => REFRESH_FIELDS.has(field));
}

/** A cleanup of expired rows: `expiresAt < now` on a session or verification. */
export function isExpiredCleanup(modelKey: string, where: readonly Where[]): boolean {
  return (
    CLEANUP_MODELS.has(modelKey) &&
    where.some((clause) => clause.field === "expiresAt" && (clause.operator === "lt" || clause.operator === "lte"))
  );
}

/** A row Better Auth deletes because it expired: skipping the delete loses nothing. */
export function isExpiredRow(modelKey: string, row: Record<string, unknown> | null): boolean {
  if (!CLEANUP_MODELS.has(modelKey) || !row) return false;
  const expiresAt = row.expiresAt;
  return typeof expiresAt === "number" && expiresAt <= Date.now();
}

/**
 * The error for a write Better Auth needs but a query ctx cannot make. It
 * names the way out, where the prior art said "ctx is not a mutation ctx" or
 * silently dropped the write.
 */
export function writeInQueryCtxError(operation: string, model: string) {
  return convexBetterAuthError(
    "WRITE_IN_QUERY_CTX",
    `Better Auth tried to ${operation} "${model}" from a Convex query, which cannot write. ` +
      "Call this auth.api method from a mutation or an action instead.",
    { model, operation },
  );
}
