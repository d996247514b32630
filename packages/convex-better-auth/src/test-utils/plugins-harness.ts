/**
 * What every "plugin on the bundled component" test shares: a convex-test
 * deployment of the built-in component, a metered ctx that records what each
 * call reads, Better Auth options pointing at it, and seeded users so a scan
 * would show in the reads.
 */
import { convexTest } from "convex-test";
import { anyApi } from "convex/server";
import { expect } from "vitest";
import { convexAdapter } from "../auth-component/adapter.js";
import type { AuthComponentApi } from "../auth-component/types.js";
import schema from "../component/schema.js";
import { expectNoScans, type AllowedScan } from "./expect-no-scans.js";
import { meteredCtx } from "./metered-ctx.js";

const modules = {
  "/component/_generated/api.js": async () => ({}),
  "/component/adapter.js": () => import("../component/adapter.js"),
};

/** The built-in component's adapter functions, as the test deployment registers them at its root. */
export const bundledComponent = { adapter: anyApi.adapter } as unknown as AuthComponentApi;

/** Reads above which a call (other than a count) counts as a scan. */
export const MAX_READS = 12;

/**
 * A fresh deployment of the bundled component.
 *
 * @example
 * ```ts
 * const harness = createPluginsHarness();
 * const auth = betterAuth({ ...harness.options, plugins: [siwe(...)] });
 * beforeAll(() => harness.seedUsers(300));
 * test("no scans", () => harness.expectNoScans());
 * ```
 */
export function createPluginsHarness() {
  const t = convexTest(schema, modules);
  const metered = meteredCtx(t);
  return {
    t,
    metered,
    /** Better Auth options every plugin test starts from; spread them and add `plugins`. */
    options: {
      baseURL: "http://localhost:3000",
      secret: "plugins-test-secret-0123456789abcdef",
      database: convexAdapter(metered.ctx, bundledComponent),
      logger: { disabled: true },
      emailAndPassword: { enabled: true },
    },
    /** Inserts `count` users straight into the table, so a scan of it reads them. */
    async seedUsers(count: number): Promise<void> {
      await t.run(async (ctx) => {
        for (let i = 0; i < count; i++) {
          await ctx.db.insert("user", {
            id: `seed-${i}`,
            name: `Seed ${i}`,
            email: `seed${i}@example.com`,
            emailVerified: true,
            createdAt: Date.now(),
            updatedAt: Date.now(),
            username: `seed${i}`,
          });
        }
      });
    },
    /** The no-scan rule over every call so far (see {@link expectNoScans}). */
    expectNoScans(allow: AllowedScan[] = []): void {
      expectNoScans(metered.calls, { maxReads: MAX_READS, allow });
    },
  };
}

/**
 * The `cookie` header a browser would send after `response`.
 *
 * @example
 * ```ts
 * const headers = cookieHeaders(await auth.api.signUpEmail({ body, asResponse: true }));
 * ```
 */
export function cookieHeaders(response: Response): Headers {
  const cookie = response.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  return new Headers({ cookie });
}

/**
 * Signs up with email and password and returns the session's cookie headers.
 *
 * @example
 * ```ts
 * const headers = await signUp(auth, "pat@example.com");
 * ```
 */
export async function signUp(
  auth: { api: { signUpEmail: (input: never) => Promise<unknown> } },
  email: string,
  extra: Record<string, unknown> = {},
): Promise<Headers> {
  const response = (await auth.api.signUpEmail({
    body: { name: "Pat", email, password: "correct horse 1", ...extra },
    asResponse: true,
  } as never)) as Response;
  expect(response.status).toBe(200);
  return cookieHeaders(response);
}
