import { createAuthClient } from "better-auth/client";
import { describe, expect, it } from "vitest";
import { createCookieJar, createTestAuth, PASSWORD, TEST_BASE_URL } from "../../plugins/convex/test-auth.js";
import { convexClient } from "./convex-client.js";
import { createSignOutHooks, isSubscribeToSignOut } from "./sign-out-hooks.js";

/**
 * A real Better Auth client in front of a real Better Auth server (memory
 * adapter), with a browser-like cookie jar. `events` records what the server
 * saw, in order, next to what the listeners record.
 */
function setup(options: { failWith?: "network" | 500; plugins?: Parameters<typeof createAuthClient>[0] } = {}) {
  const { auth, db } = createTestAuth();
  const jar = createCookieJar();
  const events: string[] = [];
  const authClient = createAuthClient({
    baseURL: TEST_BASE_URL,
    plugins: [convexClient()],
    fetchOptions: {
      customFetchImpl: async (input, init) => {
        const request = new Request(input, init);
        const path = new URL(request.url).pathname.replace("/api/auth", "");
        if (path === "/sign-out" && options.failWith === "network") throw new TypeError("Failed to fetch");
        if (path === "/sign-out" && options.failWith === 500)
          return Response.json({ message: "down" }, { status: 500 });
        request.headers.set("cookie", jar.header());
        events.push(`server ${path}`);
        const response = await auth.handler(request);
        jar.store(response);
        return response;
      },
    },
  });
  return { authClient, db, events };
}

describe("convexClient().onSignOut", () => {
  it("runs listeners before the sign-out request reaches the server, and reports the result after", async () => {
    const { authClient, db, events } = setup();
    await authClient.signUp.email({ email: "ada@example.com", password: PASSWORD, name: "Ada" });
    const stop = authClient.convex.onSignOut({
      beforeSignOut: async () => {
        events.push(`before (sessions: ${db.session!.length})`);
        await new Promise((resolve) => setTimeout(resolve, 20));
        events.push("before done");
      },
      afterSignOut: (signedOut) => events.push(`after signedOut=${signedOut} (sessions: ${db.session!.length})`),
    });

    const { error } = await authClient.signOut();
    expect(error).toBeNull();
    expect(events.slice(-4)).toEqual([
      "before (sessions: 1)",
      "before done",
      "server /sign-out",
      "after signedOut=true (sessions: 0)",
    ]);

    // Removed listeners are not called again; other requests never are.
    stop();
    await authClient.signIn.email({ email: "ada@example.com", password: PASSWORD });
    await authClient.signOut();
    expect(events.filter((e) => e === "before done")).toHaveLength(1);
  });

  it.each([["network" as const], [500 as const]])(
    "reports signedOut=false when the sign-out fails (%s)",
    async (failWith) => {
      const { authClient, events } = setup({ failWith });
      await authClient.signUp.email({ email: "ada@example.com", password: PASSWORD, name: "Ada" });
      authClient.convex.onSignOut({
        beforeSignOut: () => void events.push("before"),
        afterSignOut: (signedOut) => events.push(`after signedOut=${signedOut}`),
      });
      await authClient.signOut().catch(() => undefined);
      expect(events.slice(-2)).toEqual(["before", "after signedOut=false"]);
    },
  );

  it("sends the sign-out even when a listener throws or never settles (bounded wait)", async () => {
    const hooks = createSignOutHooks({ waitLimitMs: 50 });
    const { auth } = createTestAuth();
    const jar = createCookieJar();
    let reached = false;
    const authClient = createAuthClient({
      baseURL: TEST_BASE_URL,
      plugins: [{ id: "sign-out-hooks-under-test", fetchPlugins: [hooks.fetchPlugin] }],
      fetchOptions: {
        customFetchImpl: async (input, init) => {
          const request = new Request(input, init);
          request.headers.set("cookie", jar.header());
          if (request.url.endsWith("/sign-out")) reached = true;
          const response = await auth.handler(request);
          jar.store(response);
          return response;
        },
      },
    });
    await authClient.signUp.email({ email: "ada@example.com", password: PASSWORD, name: "Ada" });
    hooks.onSignOut({
      beforeSignOut: () => {
        throw new Error("listener bug");
      },
    });
    hooks.onSignOut({ beforeSignOut: () => new Promise<void>(() => {}) });
    const started = Date.now();
    const { error } = await authClient.signOut();
    expect(error).toBeNull();
    expect(reached).toBe(true);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("is told apart from the client's path proxy", () => {
    const { authClient } = setup();
    expect(isSubscribeToSignOut(authClient.convex.onSignOut)).toBe(true);
    // The proxy answers any name with a callable that would send a request.
    const missing = (authClient.convex as unknown as Record<string, unknown>).notAHook;
    expect(typeof missing).toBe("function");
    expect(isSubscribeToSignOut(missing)).toBe(false);
  });
});
