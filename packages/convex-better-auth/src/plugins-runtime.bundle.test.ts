// @vitest-environment node
/**
 * Which Better Auth plugins can run where Better Auth runs on Convex: in HTTP
 * actions and Convex functions, i.e. Convex's default (V8 isolate) runtime,
 * which has no Node built-ins. Each plugin is bundled as the Convex CLI would
 * bundle an app's `convex/auth.ts` that imports it; the Node built-ins it
 * reaches are what the README's plugin table says.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { bundleForConvex, packageRoot } from "./test-utils/bundle-for-convex.js";

// Built-ins each plugin needs: none, except where a comment says why.
const PLUGINS: Record<string, { source: string; builtins: string[] }> = {
  "organization (dynamic access control)": {
    source: 'export { organization } from "better-auth/plugins";',
    builtins: [],
  },
  deviceAuthorization: { source: 'export { deviceAuthorization } from "better-auth/plugins";', builtins: [] },
  siwe: { source: 'export { siwe } from "better-auth/plugins";', builtins: [] },
  lastLoginMethod: { source: 'export { lastLoginMethod } from "better-auth/plugins";', builtins: [] },
  jwt: { source: 'export { jwt } from "better-auth/plugins";', builtins: [] },
  "@better-auth/oauth-provider": {
    source: 'export { oauthProvider } from "@better-auth/oauth-provider";',
    builtins: [],
  },
  "@better-auth/mcp": { source: 'export { mcp } from "@better-auth/mcp";', builtins: [] },
  "@better-auth/scim": { source: 'export { scim } from "@better-auth/scim";', builtins: [] },
  "@better-auth/stripe": {
    source: 'export { stripe } from "@better-auth/stripe";\nexport { default as Stripe } from "stripe";',
    builtins: [],
  },
  "@better-auth/passkey": { source: 'export { passkey } from "@better-auth/passkey";', builtins: [] },
  "@better-auth/api-key": { source: 'export { apiKey } from "@better-auth/api-key";', builtins: [] },
  // SAML (samlify, xml-crypto, node-rsa) and the domain check's DNS lookup.
  "@better-auth/sso": {
    source: 'export { sso } from "@better-auth/sso";',
    builtins: [
      "assert",
      "buffer",
      "constants",
      "crypto",
      "fs",
      "node:crypto",
      "node:dns/promises",
      "path",
      "stream",
      "url",
      "util",
      "zlib",
    ],
  },
};

// Inside the package, so the entries resolve the package's node_modules.
const dir = mkdtempSync(path.join(packageRoot, ".bundle-probe-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("Better Auth plugins in Convex's default runtime (no Node built-ins)", () => {
  Object.entries(PLUGINS).forEach(([name, { source, builtins }], index) => {
    test(`${name}: ${builtins.length === 0 ? "bundles without Node built-ins" : "needs Node built-ins"}`, async () => {
      const entry = path.join(dir, `plugin-${index}.ts`);
      writeFileSync(entry, `${source}\n`);
      const { report, bytes } = await bundleForConvex(path.relative(packageRoot, entry));
      expect(bytes).toBeGreaterThan(0);
      expect([...new Set(report.map((found) => found.specifier))].sort()).toEqual(builtins);
    });
  });
});
