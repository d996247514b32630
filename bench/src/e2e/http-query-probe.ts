/**
 * The same authenticated query over HTTP: a `ConvexHttpClient` with
 * `setAuth(jwt)`, as server-side code (the guide's Next.js `fetchAuthQuery`)
 * calls Convex. Unlike the socket, every request carries the JWT, so each
 * call includes the backend verifying it.
 */
import { ConvexHttpClient } from "convex/browser";
import { anyApi } from "convex/server";
import { checkCurrentUser } from "./check-current-user.ts";
import type { DeployedApp } from "./deploy-guide-app.ts";
import type { E2eProbe } from "./time-probes.ts";
import { tokenSource } from "./token-probe.ts";

/**
 * A client authenticated with one verified JWT (valid for 15 minutes, far
 * longer than a run).
 *
 * @example
 * const probe = await openHttpQueryProbe(app);
 */
export async function openHttpQueryProbe(app: DeployedApp): Promise<E2eProbe> {
  const client = new ConvexHttpClient(app.server.cloudUrl, { logger: false });
  client.setAuth(await tokenSource(app).fetchToken());
  return {
    call: () => client.query(anyApi.auth!.getCurrentUser!, {}),
    check: (answer) => checkCurrentUser(answer, app.user),
  };
}
