/**
 * The Better Auth options both sides run with, apart from the database
 * adapter and the Convex plugin (each library brings its own). Identical
 * options keep the comparison about the libraries, not the configuration.
 */
import { BETTER_AUTH_SECRET, SITE_URL } from "../../engine/bench-env.ts";

export const sharedAuthOptions = {
  baseURL: SITE_URL,
  secret: BETTER_AUTH_SECRET,
  emailAndPassword: { enabled: true, requireEmailVerification: false },
  // The bench signs the same user in hundreds of times from one "IP".
  rateLimit: { enabled: false },
  telemetry: { enabled: false },
  logger: { disabled: true },
} as const;
