import { DatabaseSync } from "node:sqlite";
import path from "node:path";
import type { DeployedState, StoredModule } from "./deployed-state.ts";

type ModuleRow = {
  definition_path: string;
  path: string;
  environment: string;
  sha256: string;
  source: string;
  source_map: string | null;
};

/**
 * convex-local's own durable state in `<dataDir>/deploy.sqlite`: the admin
 * key, deployment env vars, the modules of the last finished push (source,
 * source map, hash, per definition) and the {@link DeployedState}. Every write
 * is one SQLite transaction, so a crash leaves either the old or the new push.
 *
 * @example
 * ```ts
 * const store = DeployStore.open("/data");
 * store.replaceEnvironmentVariables({ FOO: "bar" });
 * store.close();
 * ```
 */
export class DeployStore {
  private readonly db: DatabaseSync;

  private constructor(db: DatabaseSync) {
    this.db = db;
  }

  /** Opens (and creates) `<dataDir>/deploy.sqlite`. */
  static open(dataDir: string): DeployStore {
    const db = new DatabaseSync(path.join(dataDir, "deploy.sqlite"));
    db.exec(`
      PRAGMA journal_mode = WAL;
      PRAGMA synchronous = FULL;
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS env_vars (name TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS modules (
        definition_path TEXT NOT NULL,
        path TEXT NOT NULL,
        environment TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        source TEXT NOT NULL,
        source_map TEXT,
        PRIMARY KEY (definition_path, path)
      );
    `);
    return new DeployStore(db);
  }

  getMeta(key: string): string | null {
    const row = this.db.prepare("SELECT value FROM meta WHERE key = ?").get(key) as { value: string } | undefined;
    return row?.value ?? null;
  }

  setMeta(key: string, value: string): void {
    this.db
      .prepare("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
      .run(key, value);
  }

  environmentVariables(): Record<string, string> {
    const rows = this.db.prepare("SELECT name, value FROM env_vars ORDER BY name").all() as {
      name: string;
      value: string;
    }[];
    return Object.fromEntries(rows.map((r) => [r.name, r.value]));
  }

  /** Replaces every deployment env var with `variables`, in one transaction. */
  replaceEnvironmentVariables(variables: Record<string, string>): void {
    this.transaction(() => {
      this.db.exec("DELETE FROM env_vars");
      const insert = this.db.prepare("INSERT INTO env_vars (name, value) VALUES (?, ?)");
      for (const [name, value] of Object.entries(variables)) insert.run(name, value);
    });
  }

  /** Modules of the last finished push for one definition ("" = root). */
  modules(definitionPath: string): StoredModule[] {
    const rows = this.db
      .prepare("SELECT * FROM modules WHERE definition_path = ? ORDER BY path")
      .all(definitionPath) as unknown as ModuleRow[];
    return rows.map((r) => ({
      path: r.path,
      source: r.source,
      sourceMap: r.source_map,
      environment: r.environment as "isolate" | "node",
      sha256: r.sha256,
    }));
  }

  /** Path, hash and environment of the root's function modules (not its schema), without loading sources. */
  rootModuleHashes(): { path: string; hash: string; environment: string }[] {
    return this.db
      .prepare(
        "SELECT path, sha256 AS hash, environment FROM modules WHERE definition_path = '' AND path != 'schema.js' ORDER BY path",
      )
      .all() as { path: string; hash: string; environment: string }[];
  }

  deployedState(): DeployedState | null {
    const json = this.getMeta("deployed_state");
    return json === null ? null : (JSON.parse(json) as DeployedState);
  }

  /** Replaces the stored modules and state with a finished push, atomically. */
  commitPush(state: DeployedState, modulesByDefinition: Map<string, StoredModule[]>): void {
    this.transaction(() => {
      this.db.exec("DELETE FROM modules");
      const insert = this.db.prepare(
        "INSERT INTO modules (definition_path, path, environment, sha256, source, source_map) VALUES (?, ?, ?, ?, ?, ?)",
      );
      for (const [definitionPath, modules] of modulesByDefinition) {
        for (const m of modules) insert.run(definitionPath, m.path, m.environment, m.sha256, m.source, m.sourceMap);
      }
      this.setMeta("deployed_state", JSON.stringify(state));
    });
  }

  close(): void {
    this.db.close();
  }

  private transaction(body: () => void): void {
    this.db.exec("BEGIN IMMEDIATE");
    try {
      body();
      this.db.exec("COMMIT");
    } catch (error) {
      this.db.exec("ROLLBACK");
      throw error;
    }
  }
}
