/**
 * `GET /api/auth/convex/token` over HTTP with the session cookie: what the
 * guide's client (`ConvexBetterAuthProvider`, or the Next.js helpers on the
 * server) calls to get the JWT it hands Convex. Each call runs the Better
 * Auth handler in an HTTP action: session lookup, key lookup, RS256 signing.
 */
import { jwtChecker } from "./check-jwt.ts";
import type { DeployedApp } from "./deploy-guide-app.ts";
import type { E2eProbe } from "./time-probes.ts";

type TokenAnswer = { status: number; body: string };

async function requestToken(app: DeployedApp): Promise<TokenAnswer> {
  const response = await fetch(`${app.server.siteUrl}/api/auth/convex/token`, {
    headers: { cookie: app.user.sessionCookie },
  });
  return { status: response.status, body: await response.text() };
}

function tokenOf(answer: TokenAnswer): unknown {
  if (answer.status !== 200) throw new Error(`/convex/token answered ${answer.status}: ${answer.body}`);
  return (JSON.parse(answer.body) as { token?: unknown }).token;
}

/**
 * A checker-backed token source for the query probes: every JWT they use is
 * verified first.
 *
 * @example
 * const tokens = tokenSource(app);
 * client.setAuth(tokens.fetchToken);
 */
export function tokenSource(app: DeployedApp): { fetchToken(): Promise<string> } {
  const checker = jwtChecker(app.server.siteUrl);
  return {
    async fetchToken() {
      const token = tokenOf(await requestToken(app));
      await checker.check(token, { subject: app.user.userId, issuer: app.server.siteUrl });
      return token as string;
    },
  };
}

/**
 * Times `/convex/token`; each answer must be a 200 with a JWT for the user
 * that verifies against the deployment's JWKS.
 *
 * @example
 * const probe = tokenProbe(app);
 */
export function tokenProbe(app: DeployedApp): E2eProbe {
  const checker = jwtChecker(app.server.siteUrl);
  return {
    call: () => requestToken(app),
    check: (answer) =>
      checker.check(tokenOf(answer as TokenAnswer), { subject: app.user.userId, issuer: app.server.siteUrl }),
  };
}
