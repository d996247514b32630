/**
 * The user each example test signs up, changes the password of and signs in
 * as. The email is new on every run (each test file runs in its own process),
 * so a test never meets an account an earlier run left behind.
 *
 * @example
 * ```js
 * await page.getByLabel("Email", { exact: true }).fill(USER.email);
 * await page.getByLabel("Password", { exact: true }).fill(USER.password);
 * ```
 */
export const USER = {
  name: "Ada Lovelace",
  email: `ada-${Date.now()}@example.com`,
  /** The password it signs up with. */
  password: "first-password-123",
  /** The password it changes to. */
  newPassword: "second-password-456",
  /** A password it never had, for the refused attempts. */
  wrongPassword: "not-my-password-789",
};
