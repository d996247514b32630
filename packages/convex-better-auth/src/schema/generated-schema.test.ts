// @vitest-environment node
// The generator reads package versions and file paths through node:fs/module.
import { readFileSync } from "node:fs";
import { getAuthTables } from "better-auth/db";
import { describe, expect, it } from "vitest";
import { GENERATE_COMMAND, SCHEMA_PATH, generateSchemaSource } from "../../scripts/generate-schema.ts";
import schema, { tables, uniqueFields } from "../component/schema.ts";
import { validate } from "convex-helpers/validators";
import { schemaAuthOptions } from "./auth-options.ts";
import { COMPOUND_INDEXES } from "./compound-indexes.ts";
import { legacyOidcProviderSchema } from "./legacy-oidc-provider-schema.ts";
import { transactionTables } from "../component-api/transaction-tables.ts";

const authTables = getAuthTables(schemaAuthOptions);
const legacyTables = Object.fromEntries(
  Object.entries(getAuthTables({ plugins: [{ id: "legacy", schema: legacyOidcProviderSchema }] })).filter(
    ([name]) => name in legacyOidcProviderSchema,
  ),
);
const committed = tables as unknown as Record<string, (typeof tables)["user"]>;

const indexesOf = (table: string): { indexDescriptor: string; fields: string[] }[] => committed[table]![" indexes"]();
const fieldsOf = (table: string): string[] => Object.keys(committed[table]!.validator.fields);

describe("committed src/component/schema.ts", () => {
  it("matches the generator output byte for byte", () => {
    const fresh = generateSchemaSource();
    const onDisk = readFileSync(SCHEMA_PATH, "utf8");
    expect(onDisk === fresh, `schema.ts is stale: run \`${GENERATE_COMMAND}\``).toBe(true);
  });

  it("has every Better Auth table and field under physical names, plus id, and the 1.6 OIDC provider's", () => {
    const physicalFields = (table: (typeof authTables)[string] | undefined) =>
      Object.entries(table?.fields ?? {}).map(([key, f]) => f.fieldName ?? key);
    for (const table of Object.values(authTables)) {
      expect(committed, table.modelName).toHaveProperty(table.modelName);
      const expected = new Set(["id", ...physicalFields(table), ...physicalFields(legacyTables[table.modelName])]);
      expect(fieldsOf(table.modelName).sort()).toEqual([...expected].sort());
    }
    expect(fieldsOf("oauthApplication").sort()).toEqual(
      ["id", ...physicalFields(legacyTables.oauthApplication)].sort(),
    );
    expect(Object.keys(committed).sort()).toEqual(
      [...new Set([...Object.values(authTables).map((t) => t.modelName), ...Object.keys(legacyTables)])].sort(),
    );
  });

  it("indexes id, unique, reference, index and sortable fields, and table indexes", () => {
    for (const table of Object.values(authTables)) {
      const indexes = indexesOf(table.modelName);
      expect(indexes).toContainEqual({ indexDescriptor: "id", fields: ["id"] });
      for (const [key, field] of Object.entries(table.fields)) {
        if (!(field.unique || field.references || field.index || field.sortable)) continue;
        const physical = field.fieldName ?? key;
        expect(
          indexes.some((i) => i.fields[0] === physical),
          `${table.modelName}.${physical} has no leading index`,
        ).toBe(true);
      }
      for (const index of table.indexes ?? []) {
        const physical = index.fields.map((f) => table.fields[f]!.fieldName ?? f);
        expect(indexes.map((i) => i.fields)).toContainEqual(physical);
      }
    }
  });

  it("covers the plugin-specific fields and tables", () => {
    expect(fieldsOf("jwks")).toEqual(expect.arrayContaining(["alg", "crv"]));
    expect(fieldsOf("team")).toContain("memberCount");
    expect(fieldsOf("twoFactor")).toEqual(expect.arrayContaining(["failedVerificationCount", "lockedUntil"]));
    expect(fieldsOf("passkey")).toEqual(expect.arrayContaining(["credentialID", "userId"]));
    expect(fieldsOf("apikey")).toEqual(expect.arrayContaining(["key", "referenceId"]));
    expect(fieldsOf("rateLimit")).toEqual(expect.arrayContaining(["key", "lastRequest"]));
    expect(fieldsOf("organizationRole")).toEqual(expect.arrayContaining(["organizationId", "role", "permission"]));
    expect(fieldsOf("deviceCode")).toEqual(expect.arrayContaining(["deviceCode", "userCode", "oauthClientId"]));
    expect(fieldsOf("walletAddress")).toEqual(expect.arrayContaining(["address", "chainId", "isPrimary"]));
    expect(fieldsOf("user")).toEqual(expect.arrayContaining(["lastLoginMethod", "stripeCustomerId"]));
    expect(fieldsOf("organization")).toContain("stripeCustomerId");
    expect(fieldsOf("oauthClient")).toEqual(expect.arrayContaining(["clientId", "redirectUris", "referenceId"]));
    expect(fieldsOf("oauthClientResource")).toEqual(expect.arrayContaining(["clientId", "resourceId"]));
    expect(fieldsOf("oauthAccessToken")).toEqual(expect.arrayContaining(["token", "refreshId", "accessToken"]));
    expect(fieldsOf("ssoProvider")).toEqual(expect.arrayContaining(["providerId", "domain", "domainVerified"]));
    expect(fieldsOf("scimUser")).toEqual(expect.arrayContaining(["connectionId", "orderKey"]));
    expect(fieldsOf("scimManagedCredential")).toContain("tokenDigest");
    expect(fieldsOf("subscription")).toEqual(expect.arrayContaining(["referenceId", "stripeSubscriptionId"]));
  });

  it("keeps accepting better-auth 1.6 OIDC provider rows next to @better-auth/oauth-provider's", () => {
    const accepts = (table: string, row: Record<string, unknown>) =>
      validate(committed[table]!.validator as never, row as never);
    // Rows as @convex-dev/better-auth 0.12 (better-auth 1.6) stores them.
    const legacyToken = { accessToken: "at", refreshToken: "rt", clientId: "c", userId: "u", scopes: "openid" };
    expect(accepts("oauthAccessToken", { ...legacyToken, accessTokenExpiresAt: 1, createdAt: 1, updatedAt: 1 })).toBe(
      true,
    );
    expect(accepts("oauthConsent", { clientId: "c", userId: "u", scopes: "openid", consentGiven: true })).toBe(true);
    expect(accepts("oauthApplication", { name: "App", clientId: "c", redirectUrls: "https://a.example/cb" })).toBe(
      true,
    );
    // Rows as @better-auth/oauth-provider 1.7 writes them.
    const token = { token: "t", clientId: "c", expiresAt: 2, createdAt: 1, scopes: ["openid"] };
    expect(accepts("oauthAccessToken", { ...token, sessionId: null, resources: ["https://api.example"] })).toBe(true);
    expect(
      accepts("oauthConsent", { clientId: "c", userId: "u", scopes: ["openid"], createdAt: 1, updatedAt: 1 }),
    ).toBe(true);
    expect(accepts("oauthAccessToken", { ...token, scopes: 3 })).toBe(false);
  });

  it("has every curated compound index, and names only existing models", () => {
    expect(indexesOf("oauthClientResource")).toContainEqual({
      indexDescriptor: "clientId_resourceId",
      fields: ["clientId", "resourceId"],
    });
    for (const [model, indexes] of Object.entries(COMPOUND_INDEXES)) {
      const table = authTables[model];
      expect(table, `COMPOUND_INDEXES names unknown model "${model}"`).toBeDefined();
      for (const fields of indexes) {
        const physical = fields.map((f) => (f === "id" ? f : (table!.fields[f]!.fieldName ?? f)));
        expect(indexesOf(table!.modelName).map((i) => i.fields)).toContainEqual(physical);
      }
    }
  });

  it("uses valid, unique, non-reserved index names within Convex limits", () => {
    for (const table of Object.keys(committed)) {
      const names = indexesOf(table).map((i) => i.indexDescriptor);
      expect(new Set(names).size, table).toBe(names.length);
      expect(names.length).toBeLessThanOrEqual(32);
      for (const name of names) {
        expect(["by_id", "by_creation_time"]).not.toContain(name);
        expect(name).toMatch(/^[A-Za-z][A-Za-z0-9_]{0,63}$/);
      }
      const fieldLists = indexesOf(table).map((i) => i.fields.join(","));
      expect(new Set(fieldLists).size, `${table} has a duplicate index`).toBe(fieldLists.length);
      for (const index of indexesOf(table)) expect(index.fields.length).toBeLessThanOrEqual(16);
    }
  });

  it("lists unique fields for every table, id first", () => {
    expect(Object.keys(uniqueFields).sort()).toEqual(Object.keys(committed).sort());
    for (const fields of Object.values(uniqueFields)) expect(fields[0]).toBe("id");
    expect(uniqueFields.user).toEqual(["id", "email", "username", "phoneNumber"]);
    expect(uniqueFields.session).toEqual(["id", "token"]);
    // A table-level unique index on one field, and a compound one.
    expect(uniqueFields.deviceCode).toEqual(["id", "deviceCode", "userCode"]);
    expect(uniqueFields.oauthClientResource).toEqual(["id", ["clientId", "resourceId"]]);
    expect(uniqueFields.oauthClient).toEqual(["id", "clientId"]);
    // Legacy rows have no `token`; the 1.7 shape keeps it unique.
    expect(uniqueFields.oauthAccessToken).toEqual(["id", "token"]);
  });

  it("default export is the schema of `tables` plus the transaction bookkeeping tables", () => {
    expect(Object.keys(schema.tables).sort()).toEqual(
      [...Object.keys(committed), ...Object.keys(transactionTables)].sort(),
    );
  });
});
