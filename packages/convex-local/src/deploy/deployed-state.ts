import type { ComponentInstance } from "./build-checked-app.ts";
import type { NodeDependency } from "./external-packages.ts";
import type { AuthInfo, CheckedComponent, EvaluatedComponentDefinition } from "./push-types.ts";

/** A module as convex-local stores it: what the CLI pushed plus its hash. */
export type StoredModule = {
  path: string;
  source: string;
  sourceMap: string | null;
  environment: "isolate" | "node";
  /** Lowercase hex SHA-256 of `source` then `sourceMap` (the CLI's own hash). */
  sha256: string;
};

/**
 * Everything convex-local remembers about the last finished push besides the
 * module sources: enough to answer `get_config_hashes`, diff the next push,
 * serve `_system/cli/modules:apiSpec` and re-deploy after a restart.
 */
export type DeployedState = {
  /** Unique per finished push; names the module directory. */
  version: string;
  udfServerVersion: string;
  /** The functions directory the CLI pushed from (`convex/` unless convex.json says otherwise). */
  functions?: string;
  instances: ComponentInstance[];
  /** The analysis of every definition (functions, schema, metadata), keyed by definition path. */
  analysis: Record<string, EvaluatedComponentDefinition>;
  app: CheckedComponent;
  appAuth: AuthInfo[];
  /** External packages of the Node actions (absent in states written before convex-local installed them). */
  nodeDependencies?: NodeDependency[];
  /** The installed set they resolve from (`<dataDir>/external-packages/<id>`), or null without any. */
  externalDepsId?: string | null;
};
