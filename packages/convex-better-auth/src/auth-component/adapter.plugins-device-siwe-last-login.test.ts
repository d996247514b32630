/**
 * Device authorization, Sign-In with Ethereum and lastLoginMethod (stored in
 * the database) on the bundled component, driven through Better Auth's HTTP
 * handler: a device code is issued, approved and polled to a session; a
 * wallet signs in with a real EIP-191 signature; each sign-in records its
 * method on the user row. No call scans.
 */
import { betterAuth } from "better-auth";
import { deviceAuthorization, emailOTP, lastLoginMethod, siwe } from "better-auth/plugins";
import { verifyMessage } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { createSiweMessage, generateSiweNonce } from "viem/siwe";
import { beforeAll, describe, expect, test } from "vitest";
import { cookieHeaders, createPluginsHarness, signUp } from "../test-utils/plugins-harness.js";

const ORIGIN = "http://localhost:3000";
const DOMAIN = "localhost:3000";
const outbox: { otp?: string } = {};

describe("device authorization, SIWE and lastLoginMethod on the built-in component", () => {
  const harness = createPluginsHarness();
  const auth = betterAuth({
    ...harness.options,
    plugins: [
      deviceAuthorization({ expiresIn: "5m", interval: "1s" }),
      siwe({
        domain: DOMAIN,
        getNonce: async () => generateSiweNonce(),
        verifyMessage: async ({ message, signature, address }) =>
          await verifyMessage({ address: address as `0x${string}`, message, signature: signature as `0x${string}` }),
      }),
      emailOTP({ sendVerificationOTP: async ({ otp }) => void (outbox.otp = otp) }),
      lastLoginMethod({ storeInDatabase: true }),
    ],
  });

  beforeAll(() => harness.seedUsers(300), 60_000);

  async function post(path: string, body: unknown, headers: HeadersInit = {}) {
    const request = new Request(`${ORIGIN}/api/auth${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: ORIGIN, ...Object.fromEntries(new Headers(headers)) },
      body: JSON.stringify(body),
    });
    const response = await auth.handler(request);
    return { status: response.status, body: (await response.json()) as Record<string, any>, response };
  }

  const userRow = (email: string) =>
    harness.t.run(
      async (ctx) =>
        await ctx.db
          .query("user")
          .withIndex("email", (q) => q.eq("email", email))
          .unique(),
    );

  test("a device code is issued, polled while pending, approved, and redeemed once for a session", async () => {
    const owner = await signUp(auth, "device-owner@example.com");
    const issued = await post("/device/code", { client_id: "cli-app", scope: "openid" });
    expect(issued.status).toBe(200);
    const { device_code, user_code, interval } = issued.body;
    expect(interval).toBe(1);
    const poll = () =>
      post("/device/token", {
        grant_type: "urn:ietf:params:oauth:grant-type:device_code",
        device_code,
        client_id: "cli-app",
      });

    expect((await poll()).body.error).toBe("authorization_pending");
    // Faster than the interval: RFC 8628's slow_down.
    expect((await poll()).body.error).toBe("slow_down");

    const page = await auth.handler(
      new Request(`${ORIGIN}/api/auth/device?user_code=${encodeURIComponent(user_code)}`, { headers: owner }),
    );
    expect(page.status).toBe(200);
    expect(await page.json()).toMatchObject({ status: "pending" });
    expect((await post("/device/approve", { userCode: user_code }, owner)).status).toBe(200);

    await new Promise((resolve) => setTimeout(resolve, 1100));
    const redeemed = await poll();
    expect(redeemed.status).toBe(200);
    expect(redeemed.body).toMatchObject({ token_type: "Bearer", scope: "openid" });
    // The access token is a session token of the approving user.
    const row = await harness.t.run(async (ctx) =>
      ctx.db
        .query("session")
        .withIndex("token", (q) => q.eq("token", redeemed.body.access_token))
        .unique(),
    );
    expect(row?.userId).toBe((await auth.api.getSession({ headers: owner }))!.user.id);
    // Consumed atomically: a second redemption finds no code.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await poll()).body.error).toBe("invalid_grant");
    expect(await harness.t.run((ctx) => ctx.db.query("deviceCode").collect())).toEqual([]);
  });

  test("SIWE: a nonce, a real signature, a wallet row; replays and other signers are refused", async () => {
    const account = privateKeyToAccount(generatePrivateKey());
    const signIn = async (signer = account) => {
      const { body } = await post("/siwe/nonce", {});
      const message = createSiweMessage({
        domain: DOMAIN,
        address: account.address,
        uri: ORIGIN,
        version: "1",
        chainId: 1,
        nonce: body.nonce,
      });
      return { message, signature: await signer.signMessage({ message }) };
    };

    const first = await signIn();
    const verified = await post("/siwe/verify", first);
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ success: true });
    const wallets = await harness.t.run((ctx) => ctx.db.query("walletAddress").collect());
    expect(wallets).toMatchObject([{ address: account.address, chainId: 1, isPrimary: true }]);
    const user = await harness.t.run((ctx) => ctx.db.get(wallets[0]!.userId as never));
    expect(user).toMatchObject({ lastLoginMethod: "siwe" });

    // The nonce was consumed.
    expect((await post("/siwe/verify", first)).status).toBe(401);
    // A signature by another key does not prove the address.
    expect((await post("/siwe/verify", await signIn(privateKeyToAccount(generatePrivateKey())))).status).toBe(401);
    // Signing in again finds the wallet by address and chain: no second user.
    expect((await post("/siwe/verify", await signIn())).status).toBe(200);
    expect(await harness.t.run((ctx) => ctx.db.query("walletAddress").collect())).toHaveLength(1);
  });

  test("lastLoginMethod is stored on the user row and set as a cookie", async () => {
    const email = "last-login@example.com";
    await signUp(auth, email);
    expect(await userRow(email)).toMatchObject({ lastLoginMethod: "email" });

    // (An OTP sign-in proves the email, and Better Auth then revokes the
    // unproven password: sign in with the password first.)
    const byPassword = await post("/sign-in/email", { email, password: "correct horse 1" });
    expect(byPassword.status).toBe(200);
    expect(cookieHeaders(byPassword.response).get("cookie")).toContain("last_used_login_method=email");

    await auth.api.sendVerificationOTP({ body: { email, type: "sign-in" } });
    const byOtp = await post("/sign-in/email-otp", { email, otp: outbox.otp });
    expect(byOtp.status).toBe(200);
    expect(byOtp.response.headers.getSetCookie().join("\n")).toContain("better-auth.last_used_login_method=email-otp");
    expect(await userRow(email)).toMatchObject({ lastLoginMethod: "email-otp" });
  });

  test("no call but a count reads more than a handful of documents, and none scans", () => {
    for (const model of ["deviceCode", "walletAddress"]) {
      expect(harness.metered.calls.some((call) => call.model === model)).toBe(true);
    }
    harness.expectNoScans();
  });
});
