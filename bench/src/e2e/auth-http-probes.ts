/**
 * Better Auth endpoints over HTTP as the guide's client reaches them:
 * `GET /api/auth/get-session` with the session cookie, and
 * `POST /api/auth/sign-in/email` with the user's password (a new session
 * each call). Each answer must name the signed-up user.
 */
import type { DeployedApp } from "./deploy-guide-app.ts";
import type { E2eProbe } from "./time-probes.ts";
import { BENCH_PASSWORD } from "./sign-up.ts";

type Answer = { status: number; body: string };

function expectUser(answer: Answer, app: DeployedApp, what: string): void {
  if (answer.status !== 200) throw new Error(`${what} answered ${answer.status}: ${answer.body}`);
  const user = (JSON.parse(answer.body) as { user?: { id?: string } } | null)?.user;
  if (user?.id !== app.user.userId) throw new Error(`${what} answered another user: ${answer.body.slice(0, 200)}`);
}

/**
 * Times `GET /api/auth/get-session`.
 *
 * @example
 * const probe = getSessionProbe(app);
 */
export function getSessionProbe(app: DeployedApp): E2eProbe {
  return {
    call: async () => {
      const response = await fetch(`${app.server.siteUrl}/api/auth/get-session`, {
        headers: { cookie: app.user.sessionCookie },
      });
      return { status: response.status, body: await response.text() };
    },
    check: (answer) => expectUser(answer as Answer, app, "/get-session"),
  };
}

/**
 * Times `POST /api/auth/sign-in/email` (password hashing included, as users see it).
 *
 * @example
 * const probe = signInProbe(app, "http://localhost:3000");
 */
export function signInProbe(app: DeployedApp, origin: string): E2eProbe {
  return {
    call: async () => {
      const response = await fetch(`${app.server.siteUrl}/api/auth/sign-in/email`, {
        method: "POST",
        headers: { "content-type": "application/json", origin },
        body: JSON.stringify({ email: app.user.email, password: BENCH_PASSWORD }),
      });
      return { status: response.status, body: await response.text() };
    },
    check: (answer) => expectUser(answer as Answer, app, "/sign-in/email"),
  };
}
