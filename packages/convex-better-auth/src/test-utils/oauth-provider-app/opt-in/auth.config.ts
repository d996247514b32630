// The README's opt-in ("OAuth provider and MCP next to `convex()`"): Convex
// also accepts the provider's JWT access tokens issued for RESOURCE. The test
// copies this file over convex/auth.config.ts and pushes again; it sits
// outside convex/ so that the first push does not bundle it.
import { getAuthConfigProvider } from "convex-better-auth/auth-config";
import type { AuthConfig } from "convex/server";

export default {
  providers: [
    getAuthConfigProvider(),
    {
      type: "customJwt",
      issuer: `${process.env.CONVEX_SITE_URL}/api/auth`,
      jwks: `${process.env.CONVEX_SITE_URL}/api/auth/jwks`,
      algorithm: "ES256",
      // RESOURCE in convex/auth.ts.
      applicationID: "https://api.example.com/mcp",
    },
  ],
} satisfies AuthConfig;
