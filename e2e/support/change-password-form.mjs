/**
 * The examples' change-password form (the same labels in each app), as a
 * test uses it: submit it, then wait for its refusal or its success.
 */
import assert from "node:assert/strict";

/**
 * @param {import("playwright-core").Page} page a page showing the form
 * @param {import("playwright-core").Locator} [alerts] the page's own alerts (default: every `role="alert"`)
 * @returns {{
 *   submit: (currentPassword: string, newPassword: string) => Promise<void>,
 *   refused: (message?: string | RegExp) => Promise<void>,
 *   changed: () => Promise<void>,
 * }}
 *
 * @example
 * ```js
 * const form = changePasswordForm(page);
 * await form.submit(USER.wrongPassword, USER.newPassword);
 * await form.refused();
 * await form.submit(USER.password, USER.newPassword);
 * await form.changed();
 * ```
 */
export function changePasswordForm(page, alerts = page.getByRole("alert")) {
  return {
    async submit(currentPassword, newPassword) {
      await page.getByLabel("Current password", { exact: true }).fill(currentPassword);
      await page.getByLabel("New password", { exact: true }).fill(newPassword);
      await page.getByRole("button", { name: "Change password" }).click();
    },
    /** Waits for the form's message about the refused current password. */
    async refused(message = /password/i) {
      await alerts.filter({ hasText: message }).waitFor();
    },
    /** Waits for "Password changed"; the refusal's message must be gone by then. */
    async changed() {
      await page.getByRole("status").filter({ hasText: "Password changed" }).waitFor();
      assert.equal(await alerts.count(), 0, "the old error is gone");
    },
  };
}
