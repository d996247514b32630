import { getAuthConfigProvider } from "convex-better-auth/auth-config";
import type { AuthConfig } from "convex/server";

// The default: Convex accepts only convex()'s tokens.
export default {
  providers: [getAuthConfigProvider()],
} satisfies AuthConfig;
