/**
 * Merges an older shape of some tables into the current spec, so documents
 * written in the older shape still validate (Convex checks every existing
 * document against the schema on deploy). Used for better-auth 1.6's OIDC
 * provider tables, whose names `@better-auth/oauth-provider` reuses with
 * other fields.
 */
import type { FieldSpec, SchemaSpec, TableSpec } from "./table-spec.ts";

/**
 * Returns `spec` widened to accept rows of `legacy` too. A table only in
 * `legacy` is added as it is. A table in both gets the union of the fields:
 * a field is required only when both shapes require it, and when the types
 * differ it keeps the current type and also accepts the legacy one. Indexes
 * are the union; uniqueness stays the current shape's (legacy rows lack the
 * current unique fields, and unset values are never checked).
 *
 * @example
 * ```ts
 * const spec = widenForLegacyRows(current, legacy);
 * spec.oauthAccessToken.fields.scopes;
 * // { type: "string[]", required: false, unique: false, alsoAccepts: ["string"] }
 * ```
 */
export function widenForLegacyRows(spec: SchemaSpec, legacy: SchemaSpec): SchemaSpec {
  const widened: SchemaSpec = { ...spec };
  for (const [name, old] of Object.entries(legacy)) {
    const current = spec[name];
    widened[name] = current ? mergeTables(current, old) : old;
  }
  return widened;
}

function mergeTables(current: TableSpec, old: TableSpec): TableSpec {
  const fields: Record<string, FieldSpec> = {};
  for (const [name, field] of Object.entries(current.fields)) {
    const legacyField = old.fields[name];
    fields[name] = legacyField ? mergeFields(field, legacyField) : { ...field, required: false };
  }
  for (const [name, field] of Object.entries(old.fields)) {
    // Current writes never set a legacy-only field, so it carries no constraint.
    if (!fields[name]) fields[name] = { ...field, required: false, unique: false };
  }
  const indexes = [...current.indexes];
  for (const index of old.indexes) {
    const same = indexes.find((existing) => existing.name === index.name);
    if (!same) indexes.push(index);
    else if (same.fields.join("\0") !== index.fields.join("\0")) {
      throw new Error(`Legacy index "${index.name}" names other fields than the current one.`);
    }
  }
  return { ...current, fields, indexes };
}

function mergeFields(current: FieldSpec, old: FieldSpec): FieldSpec {
  const merged: FieldSpec = { type: current.type, required: current.required && old.required, unique: current.unique };
  // Null stays out only if neither shape may store it.
  const neverNull = (field: FieldSpec) => field.required || field.nullable === false;
  if (!merged.required && neverNull(current) && neverNull(old)) merged.nullable = false;
  const accepts = new Set([...(current.alsoAccepts ?? []), old.type, ...(old.alsoAccepts ?? [])]);
  accepts.delete(current.type);
  if (accepts.size > 0) merged.alsoAccepts = [...accepts];
  return merged;
}
