import type { DeployedState } from "./deployed-state.ts";
import type { StagedPush } from "./stage-push.ts";
import type {
  ComponentDiff,
  CronJobSpec,
  EvaluatedComponentDefinition,
  FinishPushDiff,
  IndexDiff,
} from "./push-types.ts";
import { indexDiff } from "./index-diff.ts";

/**
 * What `finish_push` reports: per component instance whether it was
 * created, modified or unmounted, with module, cron, index and schema
 * changes, plus auth provider changes. The CLI prints "Installed component X."
 * and the root's index changes from it.
 *
 * @example
 * ```ts
 * const diff = pushDiff(deployedBefore, staged);
 * diff.componentDiffs.betterAuth.diffType; // { type: "create" }
 * ```
 */
export function pushDiff(previous: DeployedState | null, staged: StagedPush): FinishPushDiff {
  const before = new Map(
    (previous?.instances ?? []).map((i) => [i.componentPath, previous!.analysis[i.definitionPath]]),
  );
  const after = new Map(staged.instances.map((i) => [i.componentPath, staged.analysis[i.definitionPath]]));
  const componentDiffs: Record<string, ComponentDiff> = {};
  for (const [componentPath, next] of after) {
    const old = before.get(componentPath);
    componentDiffs[componentPath] = componentDiff(
      old ? "modify" : "create",
      old,
      next,
      staged.response.schemaChange.indexDiffs?.[componentPath] ?? indexDiff(old?.schema ?? null, next.schema),
      previous?.udfServerVersion,
      staged.udfServerVersion,
    );
  }
  for (const [componentPath, old] of before) {
    if (after.has(componentPath)) continue;
    componentDiffs[componentPath] = componentDiff(
      "unmount",
      old,
      undefined,
      indexDiff(old.schema, null),
      undefined,
      undefined,
    );
  }
  const oldAuth = new Set((previous?.appAuth ?? []).map((a) => JSON.stringify(a)));
  const newAuth = new Set(staged.appAuth.map((a) => JSON.stringify(a)));
  return {
    authDiff: {
      added: [...newAuth].filter((a) => !oldAuth.has(a)),
      removed: [...oldAuth].filter((a) => !newAuth.has(a)),
    },
    definitionDiffs: Object.fromEntries(Object.keys(staged.analysis).map((d) => [d, {}])),
    componentDiffs,
  };
}

function componentDiff(
  type: "create" | "modify" | "unmount",
  old: EvaluatedComponentDefinition | undefined,
  next: EvaluatedComponentDefinition | undefined,
  indexes: IndexDiff,
  previousVersion: string | undefined,
  nextVersion: string | undefined,
): ComponentDiff {
  const oldModules = new Set(Object.keys(old?.functions ?? {}));
  const newModules = new Set(Object.keys(next?.functions ?? {}));
  const oldCrons = crons(old);
  const newCrons = crons(next);
  const oldSchema = old?.schema ? JSON.stringify(old.schema) : null;
  const newSchema = next?.schema ? JSON.stringify(next.schema) : null;
  return {
    diffType: { type },
    moduleDiff: {
      added: [...newModules].filter((m) => !oldModules.has(m)).sort(),
      removed: [...oldModules].filter((m) => !newModules.has(m)).sort(),
    },
    udfConfigDiff:
      type === "modify" && previousVersion !== undefined && nextVersion !== undefined && previousVersion !== nextVersion
        ? { previous_version: previousVersion, next_version: nextVersion }
        : null,
    cronDiff: {
      added: [...newCrons.keys()].filter((c) => !oldCrons.has(c)).sort(),
      updated: [...newCrons.keys()].filter((c) => oldCrons.has(c) && oldCrons.get(c) !== newCrons.get(c)).sort(),
      deleted: [...oldCrons.keys()].filter((c) => !newCrons.has(c)).sort(),
    },
    indexDiff: indexes,
    schemaDiff: oldSchema === newSchema ? null : { previous_schema: oldSchema, next_schema: newSchema },
  };
}

function crons(definition: EvaluatedComponentDefinition | undefined): Map<string, string> {
  const specs: { identifier: string; spec: CronJobSpec }[] = definition?.functions["crons.js"]?.cronSpecs ?? [];
  return new Map(specs.map(({ identifier, spec }) => [identifier, JSON.stringify(spec)]));
}
