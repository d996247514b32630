"use server";

import { redirect, unstable_rethrow } from "next/navigation";
import { fetchAuthMutation } from "@/lib/auth-server";
import { callBetterAuth, describeFailure } from "@/lib/call-better-auth";
import type { FormState } from "@/lib/form-state";
import { api } from "../convex/_generated/api";

// Authenticated mutation via server function
export async function updatePassword({
  currentPassword,
  newPassword,
}: {
  currentPassword: string;
  newPassword: string;
}) {
  return await fetchAuthMutation(api.users.updateUserPassword, {
    currentPassword,
    newPassword,
  });
}

// The forms' actions. They read the submitted FormData: the browser posts
// it (method="post") when a form is submitted before hydration, so nothing
// lands in a URL, and Next's dev server, which logs a server action's
// arguments, prints FormData as {} instead of the passwords in it.

function field(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}

export async function signInWithForm(_previous: FormState, form: FormData): Promise<FormState> {
  const answer = await callBetterAuth("/sign-in/email", {
    email: field(form, "email"),
    password: field(form, "password"),
  });
  if (!answer.ok) return { error: describeFailure(answer, "Could not sign in") };
  redirect("/");
}

export async function signUpWithForm(_previous: FormState, form: FormData): Promise<FormState> {
  const answer = await callBetterAuth("/sign-up/email", {
    name: field(form, "name"),
    email: field(form, "email"),
    password: field(form, "password"),
  });
  if (!answer.ok) return { error: describeFailure(answer, "Could not sign up") };
  redirect("/");
}

export async function signInWithOAuth(_previous: FormState, form: FormData): Promise<FormState> {
  const answer = await callBetterAuth("/sign-in/social", {
    provider: field(form, "provider"),
    callbackURL: "/",
    // A cancelled or failed sign-in comes back here with ?error=…
    errorCallbackURL: "/sign-in",
  });
  const url = answer.ok ? answer.data?.url : undefined;
  if (typeof url !== "string") {
    return { error: describeFailure(answer.ok ? { status: 502 } : answer, "Could not start the sign-in") };
  }
  // To the provider's consent page; the state cookie Better Auth just set
  // is on this response.
  redirect(url);
}

export async function signOutWithForm(_previous: FormState, _form: FormData): Promise<FormState> {
  const answer = await callBetterAuth("/sign-out", {});
  if (!answer.ok) return { error: describeFailure(answer, "Could not sign out") };
  redirect("/sign-in");
}

export async function changePasswordWithForm(_previous: FormState, form: FormData): Promise<FormState> {
  try {
    const result = await updatePassword({
      currentPassword: field(form, "currentPassword"),
      newPassword: field(form, "newPassword"),
    });
    if (!result.ok) return { error: result.message };
    return { message: "Password changed" };
  } catch (error) {
    unstable_rethrow(error);
    // Not the user's mistake (Convex unreachable, a bug): log it for the
    // developer, and tell the user it did not happen.
    console.error("changePasswordWithForm:", error);
    return { error: "Could not change the password: something went wrong on our side. Try again in a moment." };
  }
}
