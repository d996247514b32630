/**
 * Better Auth's bundled plugins against the built-in component: every one of
 * them works without a custom schema, and none of their queries scans a
 * table. The component is seeded with users so that a scan would show.
 */
import { betterAuth } from "better-auth";
import type { Id } from "../component/_generated/dataModel.js";
import { beforeAll, describe, expect, test } from "vitest";
import { apiKey } from "@better-auth/api-key";
import { passkey } from "@better-auth/passkey";
import {
  admin,
  anonymous,
  emailOTP,
  genericOAuth,
  jwt,
  magicLink,
  oneTimeToken,
  organization,
  phoneNumber,
  twoFactor,
  username,
} from "better-auth/plugins";
import { createPluginsHarness, MAX_READS, signUp as signUpWith } from "../test-utils/plugins-harness.js";

const SEEDED = 300;

const outbox: { otp?: string; magicUrl?: string; phoneOtp?: string } = {};

describe("bundled plugins on the built-in component", () => {
  const harness = createPluginsHarness();
  const { t, metered } = harness;
  // The plugin set the component's schema is generated for.
  const auth = betterAuth({
    ...harness.options,
    rateLimit: { enabled: true, storage: "database", window: 60, max: 3 },
    plugins: [
      twoFactor(),
      username(),
      anonymous(),
      phoneNumber({ sendOTP: async ({ code }) => void (outbox.phoneOtp = code) }),
      magicLink({ sendMagicLink: async ({ url }) => void (outbox.magicUrl = url) }),
      emailOTP({ sendVerificationOTP: async ({ otp }) => void (outbox.otp = otp) }),
      genericOAuth({
        config: [
          {
            providerId: "example",
            clientId: "id",
            clientSecret: "secret",
            authorizationUrl: "https://example.com/a",
            tokenUrl: "https://example.com/t",
          },
        ],
      }),
      oneTimeToken(),
      jwt(),
      admin(),
      organization({ teams: { enabled: true } }),
      passkey(),
      apiKey(),
    ],
  });

  beforeAll(() => harness.seedUsers(SEEDED), 60_000);

  const signUp = (email: string, extra: Record<string, unknown> = {}) => signUpWith(auth, email, extra);

  test("username, organization with teams, api keys, two-factor, admin", async () => {
    const headers = await signUp("pat@example.com", { username: "pat_the_user" });
    const byUsername = await auth.api.signInUsername({
      body: { username: "pat_the_user", password: "correct horse 1" },
    });
    expect(byUsername?.user.email).toBe("pat@example.com");

    const org = await auth.api.createOrganization({ body: { name: "Acme", slug: "acme" }, headers });
    expect(org?.slug).toBe("acme");
    const team = await auth.api.createTeam({ body: { name: "Core", organizationId: org!.id }, headers });
    expect(team.name).toBe("Core");
    expect(await auth.api.listOrganizations({ headers })).toHaveLength(1);
    const full = await auth.api.getFullOrganization({ query: { organizationId: org!.id }, headers });
    expect(full?.members).toHaveLength(1);
    await auth.api.createInvitation({
      body: { email: "friend@example.com", role: "member", organizationId: org!.id },
      headers,
    });

    const key = await auth.api.createApiKey({ body: { name: "ci" }, headers });
    expect((await auth.api.verifyApiKey({ body: { key: key.key } })).valid).toBe(true);

    const enabled = await auth.api.enableTwoFactor({ body: { password: "correct horse 1" }, headers });
    expect("backupCodes" in enabled && enabled.backupCodes.length).toBeGreaterThan(0);

    const session = await auth.api.getSession({ headers });
    await t.run(async (ctx) => {
      // The Better Auth id is the Convex `_id`.
      await ctx.db.patch(session!.user.id as Id<"user">, { role: "admin" });
    });
    const listed = await auth.api.listUsers({
      query: { limit: 5, sortBy: "createdAt", sortDirection: "desc" },
      headers,
    });
    expect(listed.users).toHaveLength(5);
  });

  test("anonymous, email OTP, magic link, phone number, one-time token", async () => {
    const anonymous = await auth.api.signInAnonymous({ asResponse: true });
    expect(anonymous.status).toBe(200);

    await auth.api.sendVerificationOTP({ body: { email: "otp@example.com", type: "sign-in" } });
    expect(outbox.otp).toMatch(/^\d{6}$/);
    const otpSignIn = await auth.api.signInEmailOTP({ body: { email: "otp@example.com", otp: outbox.otp! } });
    expect(otpSignIn.user.email).toBe("otp@example.com");

    await auth.api.signInMagicLink({ body: { email: "magic@example.com" }, headers: new Headers() });
    const token = new URL(outbox.magicUrl!).searchParams.get("token")!;
    const verified = await auth.api.magicLinkVerify({ query: { token }, headers: new Headers() });
    expect(verified?.user.email).toBe("magic@example.com");
    // A single-use token: a second use fails.
    await expect(auth.api.magicLinkVerify({ query: { token }, headers: new Headers() })).rejects.toThrow();

    const headers = await signUp("phone@example.com");
    await auth.api.sendPhoneNumberOTP({ body: { phoneNumber: "+15550001111" } });
    const phone = await auth.api.verifyPhoneNumber({
      body: { phoneNumber: "+15550001111", code: outbox.phoneOtp!, updatePhoneNumber: true },
      headers,
    });
    expect(phone?.status).toBe(true);

    const ott = await auth.api.generateOneTimeToken({ headers });
    const fromOtt = await auth.api.verifyOneTimeToken({ body: { token: ott.token } });
    expect(fromOtt.user.email).toBe("phone@example.com");
  });

  test("database rate limiting counts requests", async () => {
    let last = 0;
    for (let i = 0; i < 4; i++) {
      const response = await auth.handler(
        new Request("http://localhost:3000/api/auth/sign-in/email", {
          method: "POST",
          headers: { "content-type": "application/json", "x-forwarded-for": "203.0.113.9" },
          body: JSON.stringify({ email: "nobody@example.com", password: "wrong password" }),
        }),
      );
      last = response.status;
    }
    expect(last).toBe(429);
    const rows = await t.run((ctx) => ctx.db.query("rateLimit").collect());
    expect(rows.length).toBeGreaterThan(0);
  });

  test(`no plugin call but a count reads more than ${MAX_READS} documents with ${SEEDED} users, and none scans`, () => {
    // Counting rows reads them (admin listUsers reports the total); every
    // other call must be an index lookup. The jwt plugin reads its whole
    // (small) key table.
    expect(metered.calls.some((call) => call.fn === "adapter:count" && call.documentsRead > SEEDED)).toBe(true);
    harness.expectNoScans([{ model: "jwks" }]);
  });
});
