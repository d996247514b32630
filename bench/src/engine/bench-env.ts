/**
 * The environment both deployments see. Convex functions read these from
 * `process.env` (one process, so one env for both sides), and they must be
 * set before `auth.config` providers are built at module load.
 */
export const SITE_URL = "http://localhost:3000";
/** Only used as the JWT issuer; nothing listens on it. */
export const CONVEX_SITE_URL = "http://127.0.0.1:3211";
export const BETTER_AUTH_SECRET = "bench-secret-0123456789abcdef0123456789abcdef";
export const PASSWORD = "correct horse battery staple";
export const SESSION_COOKIE = "better-auth.session_token";

export function applyBenchEnv(): void {
  process.env.SITE_URL = SITE_URL;
  process.env.CONVEX_SITE_URL = CONVEX_SITE_URL;
  process.env.BETTER_AUTH_SECRET = BETTER_AUTH_SECRET;
}
