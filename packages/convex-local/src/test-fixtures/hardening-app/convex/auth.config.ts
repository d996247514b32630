import { getAuthConfigProvider } from "convex-better-auth/auth-config";

export default { providers: [getAuthConfigProvider()] };
