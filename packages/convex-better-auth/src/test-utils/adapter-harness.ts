import type { BetterAuthOptions } from "better-auth";
import { getAuthTables } from "better-auth/db";
import { convexTest } from "convex-test";
import { anyApi, defineSchema, type GenericSchema, type SchemaDefinition } from "convex/server";
import { createComponentApi } from "../component-api/create-api.js";
import { transactionTables } from "../component-api/transaction-tables.js";
import { betterAuthTablesToSpec, COMPOUND_INDEXES, specToSchema, uniqueFieldsFromSpec } from "../schema/index.js";

import type { AuthComponentApi, RunCtx } from "../auth-component/types.js";

/**
 * A convex-test deployment whose root functions are the component's adapter
 * functions over a schema generated for the given Better Auth options, the
 * way a local install would generate it. Better Auth's conformance suites
 * change options (renamed tables, extra fields, plugin tables) and call
 * `runMigrations`; `migrate` rebuilds the deployment for the new schema and
 * carries the rows over, as a SQL migration would.
 */
export function createAdapterHarness() {
  let t: ReturnType<typeof convexTest> | undefined;
  let schema: SchemaDefinition<GenericSchema, boolean> | undefined;

  function build(options: BetterAuthOptions) {
    const spec = betterAuthTablesToSpec(getAuthTables(options), COMPOUND_INDEXES);
    const built = specToSchema(spec);
    const schema: SchemaDefinition<GenericSchema, boolean> = defineSchema({
      ...(built.schema.tables as Record<string, any>),
      ...transactionTables,
    });
    const api = createComponentApi(schema, { uniqueFields: uniqueFieldsFromSpec(spec) });
    const modules = {
      "/harness/_generated/api.js": async () => ({}),
      "/harness/adapter.js": async () => api,
    };
    return { schema, t: convexTest(schema, modules) };
  }

  async function dump(): Promise<Record<string, Record<string, unknown>[]>> {
    if (!t || !schema) return {};
    const tables = Object.keys(schema.tables);
    return await t.run(async (ctx) => {
      const rows: Record<string, Record<string, unknown>[]> = {};
      for (const table of tables) rows[table] = await ctx.db.query(table).collect();
      return rows;
    });
  }

  return {
    /** Rebuilds the deployment for `options`, keeping rows whose table still exists. */
    async migrate(options: BetterAuthOptions) {
      const rows = await dump();
      const next = build(options);
      await next.t.run(async (ctx) => {
        for (const [table, docs] of Object.entries(rows)) {
          const definition = (next.schema.tables as Record<string, { validator: { fields: Record<string, unknown> } }>)[
            table
          ];
          if (!definition) continue;
          for (const { _id, _creationTime, ...doc } of docs) {
            const kept = Object.fromEntries(Object.entries(doc).filter(([key]) => key in definition.validator.fields));
            try {
              await ctx.db.insert(table, kept as never);
            } catch {
              // A row that lacks a newly required field does not survive the
              // migration; a SQL "add NOT NULL column" would refuse it too.
            }
          }
        }
      });
      t = next.t;
      schema = next.schema;
    },
    /** The ctx the adapter sees: each call is its own transaction, as from an HTTP action. */
    ctx(): RunCtx {
      return {
        runQuery: (reference, args) => (t as any).query(reference, args),
        runMutation: (reference, args) => (t as any).mutation(reference, args),
      };
    },
    /** A ctx without `runMutation`, like a Convex query's. */
    queryCtx(): RunCtx {
      return { runQuery: (reference, args) => (t as any).query(reference, args) };
    },
    component: { adapter: anyApi.adapter } as unknown as AuthComponentApi,
    get t() {
      return t!;
    },
  };
}
