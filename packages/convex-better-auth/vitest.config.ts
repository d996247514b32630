import { fileURLToPath } from "node:url";
import { defaultServerConditions } from "vite";
import { defineConfig } from "vitest/config";

// Tests run the TypeScript sources, not dist/: the package's exports map
// points this condition at src.
const conditions = ["convex-better-auth-source", ...defaultServerConditions];

// @better-auth/expo's client imports React Native and Expo modules; under
// Node they resolve to small stand-ins, so tests run the real Expo client.
const expoShim = (name: string) => fileURLToPath(new URL(`./src/test-utils/expo-shims/${name}.ts`, import.meta.url));
const alias = {
  "react-native": expoShim("react-native"),
  "expo-constants": expoShim("expo-constants"),
  "expo-linking": expoShim("expo-linking"),
  "expo-web-browser": expoShim("expo-web-browser"),
};

export default defineConfig({
  resolve: { conditions, alias },
  ssr: { resolve: { conditions } },
  test: {
    // convex-test needs the edge runtime so that the code under test sees the
    // same web-standard globals it gets inside a Convex isolate.
    environment: "edge-runtime",
    include: ["src/**/*.test.ts", "src/**/*.test.tsx", "scripts/**/*.test.ts"],
    // Inlined so that the aliases above reach @better-auth/expo's imports.
    server: { deps: { inline: ["convex-test", "@better-auth/expo"] } },
    // A passing run prints a summary; a failing test shows its console output.
    silent: "passed-only",
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
