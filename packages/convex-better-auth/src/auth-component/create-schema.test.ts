// @vitest-environment node
// Writes temp modules and runs the Better Auth CLI: needs Node's fs and child_process.
import { execFile } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import type { BetterAuthOptions } from "better-auth";
import { getAuthTables } from "better-auth/db";
import { oauthProvider } from "@better-auth/oauth-provider";
import { jwt, organization, twoFactor, username } from "better-auth/plugins";
import type { GenericSchema, SchemaDefinition } from "convex/server";
import { build } from "esbuild";
import { afterAll, describe, expect, test } from "vitest";
import { describeSchema } from "../component-api/schema-info.js";
import { isTransactionTable } from "../component-api/transaction-tables.js";
import { COMPOUND_INDEXES } from "../schema/compound-indexes.js";
import { convexAdapter } from "./adapter.js";
import { uniqueFieldsOf } from "./create-api.js";
import { createConvexSchema, DEFAULT_SCHEMA_PATH, renderConvexSchema } from "./create-schema.js";
import type { AuthComponentApi, RunCtx } from "./types.js";

const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const repoNodeModules = path.resolve(packageRoot, "../../node_modules");

// The plugin set of the CLI app below; auth.ts spells out the same calls.
const options: BetterAuthOptions = {
  plugins: [twoFactor(), organization({ teams: { enabled: true } }), username()],
};
const authTables = getAuthTables(options);

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

type SchemaModule = {
  default: SchemaDefinition<GenericSchema, boolean>;
  uniqueFields: Record<string, readonly string[]>;
};

/** Imports generated source as a module; its imports resolve from the repo's node_modules. */
async function importSchema(code: string): Promise<SchemaModule> {
  const dir = tempDir("cba-schema-");
  symlinkSync(repoNodeModules, path.join(dir, "node_modules"), "dir");
  const file = path.join(dir, "schema.ts");
  writeFileSync(file, code);
  return (await import(/* @vite-ignore */ pathToFileURL(file).href)) as SchemaModule;
}

describe("createConvexSchema", () => {
  test("renders every table, field and index of core + twoFactor + organization + username", async () => {
    const { code, path: file } = createConvexSchema(options);
    expect(file).toBe(DEFAULT_SCHEMA_PATH);
    for (const table of [
      "user",
      "session",
      "account",
      "verification",
      "twoFactor",
      "organization",
      "member",
      "invitation",
      "team",
      "teamMember",
    ]) {
      expect(code).toContain(`  ${table}: defineTable({`);
    }
    expect(code).toContain('import { transactionTables } from "convex-better-auth";');
    expect(code).toContain("export default defineSchema({ ...tables, ...transactionTables });");
    expect(code).toContain("npx auth generate");

    const schema = await importSchema(code);
    const info = describeSchema(schema.default, schema.uniqueFields);
    expect(Object.keys(schema.default.tables).filter(isTransactionTable).sort()).toEqual([
      "adapterTransaction",
      "adapterTransactionUndo",
    ]);
    expect([...info.keys()].sort()).toEqual(
      Object.values(authTables)
        .map((t) => t.modelName)
        .sort(),
    );
    for (const table of Object.values(authTables)) {
      const tableInfo = info.get(table.modelName)!;
      const physical = (key: string) => table.fields[key]?.fieldName ?? key;
      expect(tableInfo.idIndex, table.modelName).toBe("id");
      expect([...tableInfo.fields].sort(), table.modelName).toEqual(
        ["id", ...Object.keys(table.fields).map(physical)].sort(),
      );
      // Every field Better Auth looks rows up by leads an index.
      for (const [key, field] of Object.entries(table.fields)) {
        if (!(field.unique || field.references || field.index || field.sortable)) continue;
        expect(
          tableInfo.indexes.some((index) => index.fields[0] === physical(key)),
          `${table.modelName}.${key}`,
        ).toBe(true);
        if (field.unique) expect(tableInfo.uniqueFields, `${table.modelName}.${key}`).toContain(physical(key));
      }
    }
    // The query planner's compound indexes, for the models this plugin set has.
    const compound = COMPOUND_INDEXES as Record<string, string[][]>;
    for (const [model, indexes] of Object.entries(compound)) {
      const table = authTables[model];
      if (!table) continue;
      for (const fields of indexes) {
        // Curated indexes on fields of plugins this app lacks are left out.
        if (!fields.every((field) => field === "id" || field in table.fields)) continue;
        const physical = fields.map((field) => table.fields[field]?.fieldName ?? field);
        expect(
          info.get(table.modelName)!.indexes.map((index) => index.fields),
          `${model} ${fields}`,
        ).toContainEqual(physical);
      }
    }
    expect(info.get("session")!.indexes).toContainEqual({ name: "userId_expiresAt", fields: ["userId", "expiresAt"] });
    expect(info.get("account")!.indexes).toContainEqual({
      name: "providerId_accountId",
      fields: ["providerId", "accountId"],
    });
    expect(info.get("member")!.indexes).toContainEqual({
      name: "organizationId_userId",
      fields: ["organizationId", "userId"],
    });
  });

  test("a local install with @better-auth/oauth-provider gets its compound unique [clientId, resourceId]", async () => {
    // Before compound uniqueness was supported, generating this schema threw.
    const withProvider: BetterAuthOptions = {
      plugins: [jwt(), oauthProvider({ loginPage: "/sign-in", consentPage: "/consent" })],
    };
    const schema = await importSchema(createConvexSchema(withProvider).code);
    expect(schema.uniqueFields.oauthClientResource).toEqual(["id", ["clientId", "resourceId"]]);
    const table = describeSchema(schema.default, schema.uniqueFields).get("oauthClientResource")!;
    expect(table.uniqueTogether).toEqual([{ fields: ["clientId", "resourceId"], index: "clientId_resourceId" }]);
    // createApi reads the same constraint from the options for a hand-written schema.
    expect(uniqueFieldsOf(withProvider).oauthClientResource).toEqual([["clientId", "resourceId"]]);
  });

  test("takes the CLI's --output path, and drops session when sessions live in secondary storage", () => {
    expect(createConvexSchema(options, "/app/convex/auth/schema.ts")).toEqual({
      code: renderConvexSchema(authTables),
      path: "/app/convex/auth/schema.ts",
    });
    const storage: NonNullable<BetterAuthOptions["secondaryStorage"]> = {
      get: async () => null,
      getAndDelete: async () => null,
      increment: async () => 1,
      set: async () => {},
      delete: async () => {},
    };
    expect(createConvexSchema({ secondaryStorage: storage }).code).not.toContain("session: defineTable");
    expect(createConvexSchema({ secondaryStorage: storage, session: { storeSessionInDatabase: true } }).code).toContain(
      "session: defineTable",
    );
  });

  test("is the adapter's createSchema", async () => {
    const ctx = { runQuery: async () => null } as unknown as RunCtx;
    const adapter = convexAdapter(ctx, { adapter: {} } as unknown as AuthComponentApi)(options);
    expect(await adapter.createSchema!(options, "/app/schema.ts")).toEqual(
      createConvexSchema(options, "/app/schema.ts"),
    );
    expect((await adapter.createSchema!(options)).path).toBe(DEFAULT_SCHEMA_PATH);
  });
});

// A local install as a Convex app has it: convex/betterAuth/auth.ts exports a
// static `auth` for the CLI. "convex-better-auth" is this package's source,
// bundled the way dist/ would ship it, in the app's own node_modules.
const AUTH_TS = `import { betterAuth } from "better-auth";
import { oauthProvider } from "@better-auth/oauth-provider";
import { jwt, organization, twoFactor, username } from "better-auth/plugins";
import { convexAdapter } from "convex-better-auth";

// The CLI only reads the options; no Convex function runs.
const ctx = { runQuery: async () => { throw new Error("no database in the CLI"); } };
const component = { adapter: {} };

export const auth = betterAuth({
  database: convexAdapter(ctx as any, component as any),
  plugins: [twoFactor(), organization({ teams: { enabled: true } }), username()],
});
`;

async function createCliApp(): Promise<string> {
  const app = tempDir("cba-cli-app-");
  const nodeModules = path.join(app, "node_modules");
  mkdirSync(nodeModules);
  for (const entry of readdirSync(repoNodeModules)) {
    if (entry.startsWith(".") || entry === "convex-better-auth") continue;
    symlinkSync(path.join(repoNodeModules, entry), path.join(nodeModules, entry), "dir");
  }
  const pkg = path.join(nodeModules, "convex-better-auth");
  await build({
    entryPoints: [path.join(packageRoot, "src/index.ts")],
    outfile: path.join(pkg, "dist/index.js"),
    bundle: true,
    format: "esm",
    platform: "node",
    packages: "external",
    logLevel: "silent",
  });
  writeFileSync(
    path.join(pkg, "package.json"),
    JSON.stringify({ name: "convex-better-auth", type: "module", exports: { ".": "./dist/index.js" } }),
  );
  writeFileSync(path.join(app, "package.json"), JSON.stringify({ name: "cli-app", private: true, type: "module" }));
  mkdirSync(path.join(app, "convex/betterAuth"), { recursive: true });
  writeFileSync(path.join(app, "convex/betterAuth/auth.ts"), AUTH_TS);
  return app;
}

/** Node 22.12+ (the CLI's engine): the repo's pinned `node`, else this one. */
function node22(): string {
  const pinned = path.join(repoNodeModules, ".bin/node");
  if (existsSync(pinned)) return pinned;
  const [major, minor] = process.versions.node.split(".").map(Number) as [number, number];
  if (major > 22 || (major === 22 && minor >= 12)) return process.execPath;
  throw new Error("The Better Auth CLI needs Node 22.12+: run `npm ci` at the repo root for the pinned node.");
}

/** The `auth` package's bin (its exports only expose `./api`). */
const cliPath = path.join(path.dirname(createRequire(import.meta.url).resolve("auth/api")), "index.mjs");

const runFile = promisify(execFile);

async function runCli(cwd: string, args: string[]): Promise<void> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_OPTIONS: "",
    NO_COLOR: "1",
    BETTER_AUTH_TELEMETRY: "0",
    // c12 imports the config natively first; jiti is its fallback. No cache writes either way.
    JITI_FS_CACHE: "false",
  };
  delete env.BETTER_AUTH_TELEMETRY_ENDPOINT;
  try {
    await runFile(node22(), [cliPath, ...args], { cwd, env, timeout: 20_000 });
  } catch (error) {
    const { message, stdout, stderr } = error as { message: string; stdout?: string; stderr?: string };
    throw new Error(`auth ${args.join(" ")} failed: ${message}\n${stdout ?? ""}\n${stderr ?? ""}`, { cause: error });
  }
}

describe("npx auth generate (the real Better Auth CLI)", () => {
  test("writes createConvexSchema's schema for the app's plugins, at the default path and at --output", async () => {
    const app = await createCliApp();
    const schemaFile = path.join(app, DEFAULT_SCHEMA_PATH);

    await runCli(app, ["generate", "--config", "convex/betterAuth/auth.ts", "--yes"]);
    const expected = createConvexSchema(options).code;
    const generated = readFileSync(schemaFile, "utf8");
    expect(generated === expected, "the CLI's schema.ts differs from createConvexSchema(options).code").toBe(true);
    for (const table of ["twoFactor", "organization", "member", "invitation", "team", "teamMember"]) {
      expect(generated).toContain(`  ${table}: defineTable({`);
    }
    expect(generated).toContain('.index("userId_expiresAt", ["userId", "expiresAt"])');
    expect(generated).toContain('.index("providerId_accountId", ["providerId", "accountId"])');
    expect(generated).toContain('.index("organizationId_userId", ["organizationId", "userId"])');

    // Regenerating replaces an existing (stale) file, at the path --output names.
    writeFileSync(schemaFile, "// stale\n");
    await runCli(app, [
      "generate",
      "--config",
      "convex/betterAuth/auth.ts",
      "--output",
      "convex/betterAuth/schema.ts",
      "--yes",
    ]);
    expect(readFileSync(schemaFile, "utf8") === expected, "--output: schema.ts was not regenerated").toBe(true);
  }, 30_000);
});
