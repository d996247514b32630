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
    // Each component call is its own Convex transaction, so a Better Auth
    // transaction spanning several calls cannot roll back; the suite reports
    // its one test as skipped for adapters with `transaction: false`.
    transactionsTestSuite(),
  ],
});

execute();
