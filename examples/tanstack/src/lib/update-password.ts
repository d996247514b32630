import { createServerFn } from "@tanstack/react-start";
import { fetchAuthMutation } from "@/lib/auth-server";
import { api } from "~/convex/_generated/api";

type PasswordChange = { currentPassword: string; newPassword: string };

function validatePasswordChange(input: unknown): PasswordChange {
  const { currentPassword, newPassword } = (input ?? {}) as Record<string, unknown>;
  if (typeof currentPassword !== "string" || typeof newPassword !== "string") {
    throw new Error("currentPassword and newPassword must be strings");
  }
  return { currentPassword, newPassword };
}

// Authenticated mutation via server function: the Convex mutation runs with
// the signed-in user's token and calls Better Auth's changePassword.
export const updatePassword = createServerFn({ method: "POST" })
  .validator(validatePasswordChange)
  .handler(async ({ data }) => {
    return await fetchAuthMutation(api.users.updateUserPassword, data);
  });
