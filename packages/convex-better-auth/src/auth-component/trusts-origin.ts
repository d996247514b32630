/**
 * Which browser origins `registerRoutes` lets through CORS: the ones Better
 * Auth itself trusts.
 *
 * @internal
 * @module
 */

/** What {@link trustsOrigin} reads of a Better Auth instance. */
export type TrustingAuth = {
  options?: { baseURL?: unknown; trustedOrigins?: unknown };
  $context?: Promise<{ trustedOrigins?: string[]; options?: object; isTrustedOrigin?: (url: string) => boolean }>;
};

/** The origins the options name outright: a fallback for when Better Auth cannot initialise here. */
function configuredOrigins(auth: TrustingAuth): string[] {
  const origins: string[] = [];
  const trusted = auth.options?.trustedOrigins;
  if (Array.isArray(trusted)) for (const origin of trusted) if (typeof origin === "string") origins.push(origin);
  if (typeof auth.options?.baseURL === "string") {
    try {
      origins.push(new URL(auth.options.baseURL).origin);
    } catch {
      // A relative or malformed baseURL contributes no origin.
    }
  }
  return origins;
}

/**
 * Whether Better Auth trusts the request's `Origin`, judged as its own
 * origin check would: against its resolved trusted origins (baseURL,
 * `trustedOrigins`, `BETTER_AUTH_TRUSTED_ORIGINS` and what plugins such as
 * `crossDomain()` add when they initialise) with its own pattern matcher.
 * Better Auth built without a ctx (`createAuth({})`) cannot initialise when
 * a plugin reads the database at start-up (the OAuth provider seeds its
 * resources); then only the origins the options name outright count.
 *
 * @internal
 *
 * @example
 * ```ts
 * const allowed = (await trustsOrigin(auth, request)) ? [request.headers.get("origin")!] : [];
 * ```
 */
export async function trustsOrigin(auth: TrustingAuth, request: Request): Promise<boolean> {
  const origin = request.headers.get("origin");
  if (!origin) return false;
  const context = await auth.$context?.catch(() => undefined);
  if (!context?.isTrustedOrigin || !context.trustedOrigins) return configuredOrigins(auth).includes(origin);
  // Plugins' origins reach the options when Better Auth initialises; a
  // function is resolved per request, as Better Auth's handler does.
  type Configured = string[] | ((request: Request) => Promise<string[]> | string[]) | undefined;
  const configured = (context.options as { trustedOrigins?: Configured } | undefined)?.trustedOrigins;
  const extra: unknown = typeof configured === "function" ? await configured(request) : configured;
  const trustedOrigins = [
    ...context.trustedOrigins,
    ...(Array.isArray(extra) ? (extra as unknown[]).filter((o): o is string => typeof o === "string") : []),
  ];
  // A per-request view of the context, as Better Auth's handler makes one.
  const perRequest = Object.create(context, { trustedOrigins: { value: trustedOrigins } }) as typeof context;
  return perRequest.isTrustedOrigin!(origin);
}
