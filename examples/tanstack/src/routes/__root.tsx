/// <reference types="vite/client" />
import type { ConvexQueryClient } from "@convex-dev/react-query";
import type { QueryClient } from "@tanstack/react-query";
import { createRootRouteWithContext, HeadContent, Outlet, Scripts, useRouteContext } from "@tanstack/react-router";
import { createServerFn } from "@tanstack/react-start";
import { ConvexBetterAuthProvider } from "convex-better-auth/react";
import type { ReactNode } from "react";
import { authClient } from "@/lib/auth-client";
import { fetchAuthQuery, getToken } from "@/lib/auth-server";
import appCss from "@/styles/app.css?url";
import { api } from "~/convex/_generated/api";

// Get auth information for SSR using available cookies. A token alone is not
// proof of a session (a revoked session's cached token still verifies until
// it expires), so ask Convex who the token belongs to.
const getAuth = createServerFn({ method: "GET" }).handler(async () => {
  if (!(await getToken())) return { token: undefined, viewer: null };
  const viewer = await fetchAuthQuery(api.users.viewer, {});
  return viewer ? { token: await getToken(), viewer } : { token: undefined, viewer: null };
});

export const Route = createRootRouteWithContext<{
  queryClient: QueryClient;
  convexQueryClient: ConvexQueryClient;
}>()({
  head: () => ({
    meta: [
      { charSet: "utf-8" },
      { name: "viewport", content: "width=device-width, initial-scale=1" },
      { title: "Convex + Better Auth (TanStack Start)" },
    ],
    links: [
      { rel: "stylesheet", href: appCss },
      // No favicon: an empty one keeps the browser from asking for /favicon.ico.
      { rel: "icon", href: "data:," },
    ],
  }),
  beforeLoad: async (ctx) => {
    const { token, viewer } = await getAuth();

    // all queries, mutations and actions through TanStack Query will be
    // authenticated during SSR if we have a valid token
    if (token) {
      // During SSR only (the only time serverHttpClient exists),
      // set the auth token to make HTTP queries with.
      ctx.context.convexQueryClient.serverHttpClient?.setAuth(token);
    }

    return {
      isAuthenticated: viewer !== null,
      token,
      viewer,
    };
  },
  component: RootComponent,
});

function RootComponent() {
  const context = useRouteContext({ from: Route.id });
  return (
    <ConvexBetterAuthProvider
      client={context.convexQueryClient.convexClient}
      authClient={authClient}
      initialToken={context.token}
    >
      <RootDocument>
        <Outlet />
      </RootDocument>
    </ConvexBetterAuthProvider>
  );
}

function RootDocument({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <head>
        <HeadContent />
      </head>
      <body>
        <main>{children}</main>
        <Scripts />
      </body>
    </html>
  );
}
