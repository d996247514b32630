import { defaultServerConditions } from "vite";
import { defineConfig } from "vitest/config";

// Tests run the TypeScript sources, not dist/: the package's exports map
// points this condition at src.
const conditions = ["convex-better-auth-source", ...defaultServerConditions];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    // convex-test needs the edge runtime so that the code under test sees the
    // same web-standard globals it gets inside a Convex isolate.
    environment: "edge-runtime",
    include: ["src/**/*.test.ts", "src/**/*.test.tsx", "scripts/**/*.test.ts"],
    server: { deps: { inline: ["convex-test"] } },
    // A passing run prints a summary; a failing test shows its console output.
    silent: "passed-only",
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
