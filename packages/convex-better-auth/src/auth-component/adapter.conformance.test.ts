/**
 * Better Auth's own adapter conformance suites (`@better-auth/test-utils`)
 * against the component functions, run by convex-test.
 */
import {
  authFlowTestSuite,
  caseInsensitiveTestSuite,
  joinsTestSuite,
  normalTestSuite,
  testAdapter,
  transactionsTestSuite,
  uuidTestSuite,
} from "@better-auth/test-utils/adapter";
import { createAdapterHarness } from "../test-utils/adapter-harness.js";
import { convexAdapter } from "./adapter.js";

const harness = createAdapterHarness();

const { execute } = await testAdapter({
  adapter: () => convexAdapter(harness.ctx(), harness.component, { debugLogs: { isRunningAdapterTests: true } }),
  runMigrations: (options) => harness.migrate(options),
  tests: [
    normalTestSuite(),
    joinsTestSuite(),
    uuidTestSuite(),
    authFlowTestSuite(),
    caseInsensitiveTestSuite(),
    // Better Auth transactions span several component calls; the journal
    // rolls their writes back when the callback throws.
    transactionsTestSuite(),
  ],
});

execute();
