import type { DeployService } from "../deploy/deploy-service.ts";

/** Serves one request on the site origin (HTTP actions). */
export type SiteHandler = (request: Request) => Promise<Response>;

/**
 * The site port's handler. Running HTTP actions is the engine's job and not
 * in its contract yet; until then this answers with the real backend's 404
 * texts, and says so plainly when a request does match a route of
 * `convex/http.ts`. Swap this function for one that runs the router to
 * serve HTTP actions; the server only needs a `Request → Response` function.
 *
 * @example
 * ```ts
 * const handle = createSiteHandler(deploy);
 * const response = await handle(new Request("http://127.0.0.1:3211/hello"));
 * ```
 */
export function createSiteHandler(deploy: DeployService): SiteHandler {
  return async (request) => {
    const { pathname } = new URL(request.url);
    const routes = deploy.deployed()?.analysis[""]?.functions["http.js"]?.httpRoutes;
    if (!routes) return text(404, "This Convex deployment does not have HTTP actions enabled.");
    const method = request.method === "HEAD" ? "GET" : request.method;
    const exact = routes.find((r) => r.route.method === method && r.route.path === pathname);
    const prefix = routes
      .filter((r) => r.route.method === method && r.route.path.endsWith("*") && pathname.startsWith(r.route.path.slice(0, -1)))
      .sort((a, b) => b.route.path.length - a.route.path.length)[0];
    const match = exact ?? prefix;
    if (!match) return text(404, `No HttpAction routed for ${pathname}`);
    return text(501, `convex-local does not run HTTP actions yet (${pathname} matches ${match.route.method} ${match.route.path} in convex/http.ts).`);
  };
}

function text(status: number, body: string): Response {
  return new Response(body, { status, headers: { "content-type": "text/plain; charset=utf-8" } });
}
