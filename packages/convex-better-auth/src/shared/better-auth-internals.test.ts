/**
 * Probes every entry of better-auth-internals.ts against the installed
 * better-auth and convex. A failure names the entry that changed.
 */
import { betterAuth, type BetterAuthPlugin } from "better-auth";
import { createAuthMiddleware, getSession } from "better-auth/api";
import { createAdapterFactory } from "better-auth/adapters";
import { memoryAdapter } from "@better-auth/memory-adapter";
import { defineTable } from "convex/server";
import { v } from "convex/values";
import { describe, expect, test } from "vitest";
import { BETTER_AUTH_INTERNALS, type BetterAuthInternal } from "./better-auth-internals.js";

function holds(entry: BetterAuthInternal, condition: unknown): void {
  const { what, usedBy } = BETTER_AUTH_INTERNALS[entry];
  expect(condition, `Better Auth internal "${entry}" changed: ${what} (used by ${usedBy})`).toBeTruthy();
}

const SECRET = "internals-probe-secret-0123456789abcdef";

describe("the Better Auth and Convex internals this library relies on", () => {
  test("adapterOptionsSpread and nativeJoinsOption", async () => {
    const marker = { probe: true };
    let sawJoin: unknown;
    const factory = createAdapterFactory({
      config: {
        adapterId: "probe",
        supportsJSON: false,
        supportsDates: true,
        supportsBooleans: true,
        supportsArrays: true,
      },
      adapter: () => ({
        options: { marker },
        create: async ({ data }) => data,
        findOne: async ({ join }) => {
          sawJoin = join;
          return null;
        },
        findMany: async () => [],
        count: async () => 0,
        update: async () => null,
        updateMany: async () => 0,
        delete: async () => {},
        deleteMany: async () => 0,
      }),
    });
    const adapter = factory({ advanced: { database: { joins: true } } } as never);
    holds("adapterOptionsSpread", (adapter.options as Record<string, unknown> | undefined)?.marker === marker);
    await adapter.findOne({ model: "session", where: [{ field: "token", value: "t" }], join: { user: true } });
    holds("nativeJoinsOption", sawJoin && typeof sawJoin === "object" && "user" in sawJoin);
  });

  test("authContextPromise, hookContextFields, secretConfig and getSessionEndpointCall", async () => {
    const seen: Record<string, unknown> = {};
    const probe = {
      id: "internals-probe",
      hooks: {
        after: [
          {
            matcher: () => true,
            handler: createAuthMiddleware(async (ctx) => {
              if (ctx.path !== "/sign-up/email") return;
              seen.responseHeaders = ctx.context.responseHeaders instanceof Headers;
              seen.cookieName = typeof ctx.context.authCookies?.sessionToken?.name === "string";
              seen.newSession = Boolean(ctx.context.newSession?.session?.token);
              const read = (await getSession()({
                ...ctx,
                method: "GET",
                asResponse: false,
                returnHeaders: true,
                returnStatus: false,
                headers: new Headers({ cookie: `${ctx.context.authCookies.sessionToken.name}=nothing` }),
                query: { disableCookieCache: true },
              } as never)) as unknown as { response: unknown };
              seen.getSession = "response" in read;
            }),
          },
        ],
      },
    } satisfies BetterAuthPlugin;
    const db: Record<string, unknown[]> = { user: [], session: [], account: [], verification: [] };
    const auth = betterAuth({
      secret: SECRET,
      baseURL: "http://localhost:3000",
      database: memoryAdapter(db),
      emailAndPassword: { enabled: true },
      logger: { disabled: true },
      plugins: [probe],
    });
    const context = (await auth.$context) as { adapter?: { findOne?: unknown }; secretConfig?: unknown };
    holds("authContextPromise", typeof context.adapter?.findOne === "function");
    holds("secretConfig", context.secretConfig !== undefined && context.secretConfig !== null);
    const response = await auth.handler(
      new Request("http://localhost:3000/api/auth/sign-up/email", {
        method: "POST",
        headers: { "content-type": "application/json", origin: "http://localhost:3000" },
        body: JSON.stringify({ name: "Probe", email: "probe@example.com", password: "correct horse 1" }),
      }),
    );
    expect(response.status).toBe(200);
    holds("hookContextFields", seen.responseHeaders && seen.cookieName && seen.newSession);
    holds("getSessionEndpointCall", seen.getSession);
  });

  test("convexTableIndexes", () => {
    const table = defineTable({ email: v.string() }).index("email", ["email"]) as unknown as {
      " indexes"?: () => { indexDescriptor: string; fields: string[] }[];
    };
    const indexes = table[" indexes"]?.();
    holds(
      "convexTableIndexes",
      indexes?.some((index) => index.indexDescriptor === "email" && index.fields[0] === "email"),
    );
  });
});
