import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // convex-test needs the edge runtime so that the code under test sees the
    // same web-standard globals it gets inside a Convex isolate.
    environment: "edge-runtime",
    include: ["src/**/*.test.ts", "scripts/**/*.test.ts"],
    server: { deps: { inline: ["convex-test"] } },
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
