"use client";

import { useEffect } from "react";
import { useRouter } from "next/navigation";
import { useConvexAuth } from "convex/react";
import { authClient } from "@/lib/auth-client";
import { isSigningOut } from "@/lib/signing-out";

/**
 * Leaves a protected page for /sign-in once its session is gone while it is
 * open: signed out in another tab (Convex auth turns unauthenticated) or
 * revoked elsewhere (the live user query answers null).
 */
export function useRedirectWhenSignedOut(user: unknown): void {
  const router = useRouter();
  const { isLoading, isAuthenticated } = useConvexAuth();
  const signedOut = user === null || (!isLoading && !isAuthenticated);
  useEffect(() => {
    if (!signedOut || isSigningOut()) return;
    // Convex knows before Better Auth's session store does: have it ask
    // (which also clears the ended session's cookies), so the provider
    // follows.
    if (user === null) authClient.$store.notify("$sessionSignal");
    router.replace("/sign-in");
  }, [signedOut, user, router]);
}
