/** The app's `http.ts`: Better Auth's routes, registered the way each library documents. */
import { httpRouter } from "convex/server";

type RouteRegistrar = { registerRoutes: (http: any, createAuth: any) => void };

export function makeHttp(authComponent: RouteRegistrar, createAuth: (ctx: any) => unknown) {
  const http = httpRouter();
  authComponent.registerRoutes(http, createAuth);
  return http;
}
