import { defaultServerConditions } from "vite";
import { defineConfig } from "vitest/config";

const conditions = ["convex-local-source", ...defaultServerConditions];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    environment: "node",
    include: ["src/**/*.test.ts"],
    // Tests start servers and the real Convex CLI: one file at a time keeps
    // ports and CPU predictable on a 2-core machine.
    fileParallelism: false,
    // A passing run prints a summary; a failing test shows its console output.
    silent: "passed-only",
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
