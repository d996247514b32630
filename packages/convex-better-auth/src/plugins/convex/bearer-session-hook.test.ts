import { beforeEach, describe, expect, it } from "vitest";
import { createCookieJar, createTestAuth, PASSWORD, signUp, TEST_BASE_URL, TEST_SITE_URL } from "./test-auth.js";

beforeEach(() => {
  process.env.CONVEX_SITE_URL = TEST_SITE_URL;
});

async function sessionToken(auth: ReturnType<typeof createTestAuth>["auth"]): Promise<string> {
  const { token } = await auth.api.signUpEmail({ body: { email: "ada@example.com", password: PASSWORD, name: "Ada" } });
  return token!;
}

describe("Authorization: Bearer <session token> for in-process auth.api calls", () => {
  it("authenticates auth.api calls, including session-sensitive ones", async () => {
    const { auth } = createTestAuth();
    const token = await sessionToken(auth);
    const headers = new Headers({ authorization: `Bearer ${token}` });

    const session = await auth.api.getSession({ headers });
    expect(session?.user.email).toBe("ada@example.com");
    await auth.api.changePassword({
      body: { currentPassword: PASSWORD, newPassword: "another-long-password" },
      headers,
    });
    await expect(
      auth.api.signInEmail({ body: { email: "ada@example.com", password: "another-long-password" } }),
    ).resolves.toMatchObject({ user: { email: "ada@example.com" } });
  });

  it("ignores an unknown token", async () => {
    const { auth } = createTestAuth();
    await sessionToken(auth);
    expect(await auth.api.getSession({ headers: new Headers({ authorization: "Bearer not-a-session" }) })).toBeNull();
  });

  it("lets an existing session cookie win over the bearer token", async () => {
    const { auth } = createTestAuth();
    const ada = await sessionToken(auth);
    const jar = createCookieJar();
    await signUp(auth, jar, "bob@example.com");
    const session = await auth.api.getSession({
      headers: new Headers({ authorization: `Bearer ${ada}`, cookie: jar.header() }),
    });
    expect(session?.user.email).toBe("bob@example.com");
  });

  it("is not an HTTP credential", async () => {
    const { auth } = createTestAuth();
    const token = await sessionToken(auth);
    const response = await auth.handler(
      new Request(`${TEST_BASE_URL}/api/auth/get-session`, { headers: { authorization: `Bearer ${token}` } }),
    );
    expect(await response.json()).toBeNull();
    const tokenResponse = await auth.handler(
      new Request(`${TEST_BASE_URL}/api/auth/convex/token`, { headers: { authorization: `Bearer ${token}` } }),
    );
    expect(tokenResponse.status).toBe(401);
  });
});
