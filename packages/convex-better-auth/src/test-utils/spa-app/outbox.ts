/**
 * What the SPA test app "sends": the last magic link, verification link,
 * password reset link and two-factor code. convex-test runs the app's
 * functions in the test's process, so the test reads them here.
 *
 * @internal
 *
 * @example
 * ```ts
 * const { otp }: Outbox = outbox();
 * ```
 */
export type Outbox = { magicLink?: string; verificationUrl?: string; resetUrl?: string; otp?: string };

const key = Symbol.for("convex-better-auth:spa-app-outbox");

/**
 * The shared outbox.
 *
 * @example
 * ```ts
 * sendMagicLink: async ({ url }) => void (outbox().magicLink = url);
 * ```
 */
export function outbox(): Outbox {
  const holder = globalThis as { [key]?: Outbox };
  return (holder[key] ??= {});
}
