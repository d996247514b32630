/** Shape A: the guide's app, `app.use(betterAuth)` from `<library>/convex.config`. */
import { test } from "node:test";
import { runSwapScenario } from "../src/swap-scenario.ts";

test(
  "bundled component (the guide's app): @convex-dev/better-auth 0.12.5 → convex-better-auth on the same data",
  { timeout: 170_000 },
  (t) => runSwapScenario(t, "bundled"),
);
