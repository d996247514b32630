/**
 * `POST /api/auth/sign-up/email` as the guide's sign-up form sends it, a new
 * user each call: the one timed operation that writes (user, account and
 * session) and hashes a password (scrypt, ~16 MiB of memory per call), so it
 * shows what a deployment's size does to allocation-heavy requests. Each
 * answer must be the new user with its session cookie (`signUpUser` checks).
 */
import { SITE_URL } from "../engine/bench-env.ts";
import type { DeployedApp } from "../e2e/deploy-guide-app.ts";
import { signUpUser, type SignedUpUser } from "../e2e/sign-up.ts";
import type { E2eProbe } from "../e2e/time-probes.ts";

/**
 * Times one sign-up per call.
 *
 * @example
 * const probe = signUpProbe(app);
 */
export function signUpProbe(app: DeployedApp): E2eProbe {
  return {
    call: () => signUpUser(app.server.siteUrl, SITE_URL),
    check(answer) {
      const user = answer as SignedUpUser;
      if (!user.userId || !user.sessionCookie) throw new Error(`sign-up answered ${JSON.stringify(answer)}`);
    },
  };
}
