import type { BetterAuthOptions } from "better-auth";
import { convex } from "convex-better-auth/plugins";
import authConfig from "../auth.config";

// Split out so the component's adapter can read the tables without a ctx.
export const createAuthOptions = (_ctx: unknown) =>
  ({
    emailAndPassword: { enabled: true },
    user: { additionalFields: { favoriteColor: { type: "string", required: false } } },
    plugins: [convex({ authConfig })],
  }) satisfies BetterAuthOptions;
