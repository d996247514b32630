import { createFileRoute } from "@tanstack/react-router";
import { postAuthForm } from "@/lib/auth-form-post";

// Sign-out is a form post and a full navigation: the signed-in page and its
// Convex connection are gone before anything could query without a session.
export const Route = createFileRoute("/sign-out")({
  server: {
    handlers: {
      POST: async ({ request }) =>
        await postAuthForm(request, {
          endpoint: "/sign-out",
          body: {},
          onSuccess: "/sign-in",
          onFailure: () => "/sign-in",
        }),
    },
  },
});
