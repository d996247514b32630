import { createAuthClient } from "better-auth/react";
import { convexClient, crossDomainClient } from "convex-better-auth/client/plugins";

export const authClient = createAuthClient({
  baseURL: import.meta.env.VITE_CONVEX_SITE_URL,
  plugins: [convexClient(), crossDomainClient()],
});
