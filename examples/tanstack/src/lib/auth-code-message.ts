// Messages for the error codes a no-JavaScript form post comes back with
// (`?error=CODE`); the URL never carries text that is shown as is.
const MESSAGES: Record<string, string> = {
  INVALID_EMAIL_OR_PASSWORD: "Invalid email or password",
  USER_ALREADY_EXISTS: "An account with this email already exists",
  USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL: "An account with this email already exists",
  PASSWORD_TOO_SHORT: "The password is too short",
  PASSWORD_TOO_LONG: "The password is too long",
  INVALID_EMAIL: "Enter a valid email address",
  TOO_MANY_REQUESTS: "Too many attempts, wait a moment and try again",
};

/** The message for a Better Auth error code from the URL, `fallback` for an unknown one, null for none. */
export function authCodeMessage(code: string | undefined, fallback: string): string | null {
  if (!code) return null;
  return MESSAGES[code] ?? fallback;
}
