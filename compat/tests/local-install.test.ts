/** Shape B: the prior art's Local Install (component folder convex/betterAuth with its own schema). */
import { test } from "node:test";
import { runSwapScenario } from "../src/swap-scenario.ts";

test(
  "local install (convex/betterAuth, createApi): @convex-dev/better-auth 0.12.5 → convex-better-auth on the same data",
  { timeout: 170_000 },
  (t) => runSwapScenario(t, "local-install"),
);
