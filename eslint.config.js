// Lint for the whole repository (`npm run lint`, part of `npm test`).
// Type-aware where a promise or an `any` can hide a bug: code a tsconfig
// covers gets the floating/misused-promise rules, and the library's shipped
// modules also refuse unsafe `any`. Everything else gets the syntactic rules.
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

// Code covered by a tsconfig: the two packages and the Node test harnesses.
const TYPED = ["packages/*/src/**/*.{ts,tsx}", "tarball/**/*.ts", "compat/**/*.ts"];
// Convex apps used as fixtures have their own tsconfig (or none).
const UNTYPED = ["**/test-fixtures/**", "**/test-utils/*-app/**", "**/fixtures/**"];
// What the library ships (package.json "files" excludes the rest).
const SHIPPED_LIBRARY = ["packages/convex-better-auth/src/**/*.{ts,tsx}"];
const NOT_SHIPPED = [
  "**/*.test.ts",
  "**/*.test.tsx",
  "**/*.type-test.ts",
  "**/test-utils/**",
  "packages/convex-better-auth/src/test/**",
  "packages/convex-better-auth/src/server-core/test-http-server.ts",
  "packages/convex-better-auth/src/plugins/convex/test-auth.ts",
  "packages/convex-better-auth/src/schema/auth-options.ts",
];

export default tseslint.config(
  {
    ignores: [
      "**/node_modules/**",
      "**/dist/**",
      "**/.next/**",
      "**/.output/**",
      "**/.tanstack/**",
      "**/.convex-local/**",
      "**/_generated/**",
      "**/*.d.ts",
      "**/routeTree.gen.ts",
      "bench/prior-art/**",
      "compat/prior-art/**",
      "**/.tmp/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      // `any` is written on purpose at Convex/Better Auth generic seams; what
      // matters is that it does not leak (the no-unsafe-* rules below).
      "@typescript-eslint/no-explicit-any": "off",
      // Names prefixed with _ are deliberately unused (omitting a field, type tests).
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" },
      ],
    },
  },
  {
    files: TYPED,
    ignores: UNTYPED,
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/await-thenable": "error",
    },
  },
  {
    // node:test's test() and describe() return promises its runner already tracks.
    files: ["tarball/tests/**/*.ts", "compat/tests/**/*.ts"],
    rules: { "@typescript-eslint/no-floating-promises": "off" },
  },
  {
    files: SHIPPED_LIBRARY,
    ignores: NOT_SHIPPED,
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-unsafe-argument": "error",
      "@typescript-eslint/no-unsafe-assignment": "error",
      "@typescript-eslint/no-unsafe-call": "error",
      "@typescript-eslint/no-unsafe-member-access": "error",
      "@typescript-eslint/no-unsafe-return": "error",
    },
  },
);
