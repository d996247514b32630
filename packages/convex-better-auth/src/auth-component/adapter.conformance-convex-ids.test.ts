/**
 * Better Auth's conformance suites with every id assigned by Convex: the
 * generated test rows carry no id, so each row's Better Auth id is its `_id`
 * (the default mode, and the only one `@convex-dev/better-auth` data has).
 */
import {
  authFlowTestSuite,
  caseInsensitiveTestSuite,
  joinsTestSuite,
  normalTestSuite,
  testAdapter,
  transactionsTestSuite,
} from "@better-auth/test-utils/adapter";
import { afterAll, expect } from "vitest";
import type { RunCtx } from "./types.js";
import { createAdapterHarness } from "../test-utils/adapter-harness.js";
import { convexAdapter } from "./adapter.js";

const harness = createAdapterHarness();

// Creates that carried an id: only the suites' own `generateId` tests may.
const chosenIds: string[] = [];
let creates = 0;
function countingCtx(): RunCtx {
  const ctx = harness.ctx();
  return {
    runQuery: ctx.runQuery,
    runMutation: async (reference, args) => {
      const data = args?.input?.data;
      if (data && typeof data === "object" && "model" in args.input) {
        creates++;
        if (data.id !== undefined) chosenIds.push(String(data.id));
      }
      return await ctx.runMutation!(reference, args);
    },
  };
}

/**
 * The suites build expected rows from the ids they generated. Here there are
 * none: the expected id is "the string Convex assigned", and the text the
 * suites derive unique emails from is fresh each time.
 */
function assignedId(id: string | undefined): any {
  if (id !== undefined) return id;
  const matcher = expect.any(String);
  const text = `convex-${crypto.randomUUID()}`;
  return Object.assign(matcher, { toString: () => text });
}

const { execute } = await testAdapter({
  adapter: () => convexAdapter(countingCtx(), harness.component, { debugLogs: { isRunningAdapterTests: true } }),
  runMigrations: (options) => harness.migrate(options),
  customIdGenerator: () => undefined as unknown as string,
  transformIdOutput: assignedId,
  tests: [
    normalTestSuite(),
    joinsTestSuite(),
    authFlowTestSuite(),
    caseInsensitiveTestSuite(),
    transactionsTestSuite(),
  ],
});

execute();

afterAll(() => {
  // Proof that the suites ran on Convex-assigned ids: over a thousand rows
  // created, and only "should use generateId if provided" chose its id.
  expect(creates).toBeGreaterThan(1000);
  expect(chosenIds).toEqual(["MOCK-ID"]);
});
