/**
 * The spec the bundled component's `schema.ts` is generated from. Imported by
 * the schema script and tests only: it loads every plugin.
 */
import { getAuthTables } from "better-auth/db";
import { schemaAuthOptions } from "./auth-options.ts";
import { COMPOUND_INDEXES } from "./compound-indexes.ts";
import { legacyOidcProviderSchema } from "./legacy-oidc-provider-schema.ts";
import { betterAuthTablesToSpec, type SchemaSpec } from "./table-spec.ts";
import { widenForLegacyRows } from "./widen-for-legacy-rows.ts";

/**
 * The tables of {@link schemaAuthOptions} with the curated indexes, widened
 * to keep accepting better-auth 1.6 OIDC provider rows.
 *
 * @example
 * ```ts
 * renderSchemaSource(bundledSchemaSpec(), { header: ["Generated."] });
 * ```
 */
export function bundledSchemaSpec(): SchemaSpec {
  return widenForLegacyRows(betterAuthTablesToSpec(getAuthTables(schemaAuthOptions), COMPOUND_INDEXES), legacySpec());
}

/**
 * The legacy OIDC provider tables alone, as a spec (without the core tables
 * `getAuthTables` always adds).
 *
 * @example
 * ```ts
 * Object.keys(legacySpec()); // ["oauthApplication", "oauthAccessToken", "oauthConsent"]
 * ```
 */
export function legacySpec(): SchemaSpec {
  const tables = getAuthTables({ plugins: [{ id: "legacy-oidc-provider", schema: legacyOidcProviderSchema }] });
  const spec = betterAuthTablesToSpec(tables);
  return Object.fromEntries(Object.keys(legacyOidcProviderSchema).map((name) => [name, spec[name]!]));
}
