"use client";

import type { Preloaded } from "convex/react";
import { usePreloadedAuthQuery } from "convex-better-auth/nextjs/client";
import { api } from "@/convex/_generated/api";
import { useRedirectWhenSignedOut } from "@/lib/use-redirect-when-signed-out";

export const Header = ({ preloadedUserQuery }: { preloadedUserQuery: Preloaded<typeof api.auth.getCurrentUser> }) => {
  const user = usePreloadedAuthQuery(preloadedUserQuery);
  useRedirectWhenSignedOut(user);
  return (
    <div>
      <h1>Dashboard</h1>
      <p data-testid="current-user">{user ? `Signed in as ${user.name}` : "Not signed in"}</p>
    </div>
  );
};

export default Header;
