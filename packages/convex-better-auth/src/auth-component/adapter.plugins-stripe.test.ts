// @vitest-environment node
/**
 * `@better-auth/stripe` on the bundled component, against a loopback stub of
 * the Stripe API: the customer created on sign-up is stored on the user, a
 * signed `customer.subscription.created` webhook creates the subscription,
 * and none of the plugin's queries scans a table.
 */
import { stripe } from "@better-auth/stripe";
import { betterAuth } from "better-auth";
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { cookieHeaders, createPluginsHarness } from "../test-utils/plugins-harness.js";
import { startStripeStub } from "../test-utils/stripe-stub.js";

const SEEDED = 200;
const WEBHOOK_SECRET = "whsec_test_secret";

describe("@better-auth/stripe on the bundled component", () => {
  let stub: Awaited<ReturnType<typeof startStripeStub>>;
  let stripeClient: Stripe;
  let auth: ReturnType<typeof makeAuth>;
  const harness = createPluginsHarness();
  const { t } = harness;

  function makeAuth() {
    return betterAuth({
      ...harness.options,
      plugins: [
        stripe({
          stripeClient,
          stripeWebhookSecret: WEBHOOK_SECRET,
          createCustomerOnSignUp: true,
          subscription: { enabled: true, plans: [{ name: "pro", priceId: "price_pro" }] },
        }),
      ],
    });
  }

  beforeAll(async () => {
    stub = await startStripeStub();
    // Convex's runtime has no Node http: the fetch client is what an app there uses.
    stripeClient = new Stripe("sk_test_stub", {
      host: "127.0.0.1",
      port: stub.port,
      protocol: "http",
      httpClient: Stripe.createFetchHttpClient(),
      maxNetworkRetries: 0,
    });
    auth = makeAuth();
    await t.run(async (ctx) => {
      for (let i = 0; i < SEEDED; i++) {
        await ctx.db.insert("user", {
          name: `Seed ${i}`,
          email: `seed${i}@example.com`,
          emailVerified: true,
          createdAt: Date.now(),
          updatedAt: Date.now(),
          stripeCustomerId: `cus_seed_${i}`,
        } as never);
        await ctx.db.insert("subscription", {
          plan: "pro",
          referenceId: `seed-${i}`,
          stripeCustomerId: `cus_seed_${i}`,
          stripeSubscriptionId: `sub_seed_${i}`,
          status: "active",
        } as never);
      }
    });
  }, 60_000);

  afterAll(async () => {
    await stub?.stop();
  });

  test("sign-up creates the Stripe customer; a signed webhook creates the subscription", async () => {
    const response = await auth.api.signUpEmail({
      body: { name: "Ada", email: "ada@example.com", password: "correct horse 1" },
      asResponse: true,
    });
    expect(response.status).toBe(200);
    const { user } = (await response.json()) as { user: { id: string } };
    const headers = cookieHeaders(response);

    const created = stub.requests.filter((request) => request.method === "POST" && request.path === "/v1/customers");
    expect(created).toHaveLength(1);
    expect(created[0]!.form).toMatchObject({ email: "ada@example.com", "metadata[userId]": user.id });
    const stored = await t.run(
      (ctx) =>
        ctx.db
          .query("user")
          .withIndex("email", (q) => q.eq("email", "ada@example.com"))
          .unique() as never,
    );
    expect((stored as { stripeCustomerId?: string }).stripeCustomerId).toBe("cus_stub_1");

    const now = Math.floor(Date.now() / 1000);
    const payload = JSON.stringify({
      id: "evt_1",
      object: "event",
      type: "customer.subscription.created",
      data: {
        object: {
          id: "sub_ada",
          object: "subscription",
          customer: "cus_stub_1",
          status: "active",
          metadata: {},
          trial_start: null,
          trial_end: null,
          cancel_at_period_end: false,
          items: {
            object: "list",
            data: [
              {
                id: "si_1",
                quantity: 1,
                current_period_start: now,
                current_period_end: now + 30 * 86_400,
                price: { id: "price_pro", recurring: { interval: "month" } },
              },
            ],
          },
        },
      },
    });
    const signature = stripeClient.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET });
    const webhook = await auth.handler(
      new Request("http://localhost:3000/api/auth/stripe/webhook", {
        method: "POST",
        headers: { "content-type": "application/json", "stripe-signature": signature },
        body: payload,
      }),
    );
    expect(webhook.status).toBe(200);
    const forged = await auth.handler(
      new Request("http://localhost:3000/api/auth/stripe/webhook", {
        method: "POST",
        headers: { "content-type": "application/json", "stripe-signature": `t=${now},v1=${"0".repeat(64)}` },
        body: payload,
      }),
    );
    expect(forged.status).toBe(400);

    const subscriptions = await auth.api.listActiveSubscriptions({ headers });
    expect(subscriptions).toHaveLength(1);
    expect(subscriptions[0]).toMatchObject({ plan: "pro", status: "active", referenceId: user.id });

    // Every plugin query uses an index: a scan would read the seeded rows.
    harness.expectNoScans();
  });
});
