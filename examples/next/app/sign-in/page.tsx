import { redirect } from "next/navigation";
import { fetchAuthQuery, isAuthenticated } from "@/lib/auth-server";
import { api } from "@/convex/_generated/api";
import { SignInForm } from "./sign-in-form";

// What Better Auth puts in ?error= when an OAuth sign-in comes back without a session.
const CALLBACK_ERRORS: Record<string, string> = {
  access_denied: "The sign-in was cancelled at the provider.",
};

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ error?: string }> }) {
  // Signed in already: straight to the app. "Signed in" is Convex knowing
  // the user, not only a token cookie (a revoked session keeps its cookie).
  if ((await isAuthenticated()) && (await fetchAuthQuery(api.auth.getCurrentUser))) {
    redirect("/");
  }
  const [provider, { error }] = await Promise.all([fetchAuthQuery(api.auth.oauthProvider), searchParams]);
  const callbackError = error ? (CALLBACK_ERRORS[error] ?? `The sign-in did not complete (${error}).`) : null;
  return <SignInForm oauthProvider={provider} callbackError={callbackError} />;
}
