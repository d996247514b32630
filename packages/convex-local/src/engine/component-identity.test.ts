/**
 * The user identity a function called by another function sees, as on
 * Convex: queries and mutations share the caller's with every function they
 * call, components included (one transaction, one identity); actions and
 * HTTP actions pass it only to the app's own functions, never into a
 * component (`propagate_component_auth`). Pushed with the real CLI, called
 * through the real client with a JWT the app's `customJwt` provider accepts.
 *
 * Regression: convex-test dropped the identity at every component boundary,
 * so a component's query called by the app's query saw no user locally and
 * the caller's user on Convex.
 */
import { ConvexHttpClient } from "convex/browser";
import { anyApi } from "convex/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startComponentRulesApp, type ComponentRulesApp } from "./test-fixtures/start-component-rules-app.ts";

const api = anyApi;
const USER = "user-1";
let app: ComponentRulesApp;
let signedIn: ConvexHttpClient;
let anonymous: ConvexHttpClient;

beforeAll(async () => {
  app = await startComponentRulesApp();
  signedIn = new ConvexHttpClient(app.server.cloudUrl, { logger: false });
  signedIn.setAuth(await app.token(USER));
  anonymous = new ConvexHttpClient(app.server.cloudUrl, { logger: false });
}, 180_000);

afterAll(async () => {
  await app?.stop();
});

/** What the app's mutation reports, when it sees `user`. */
const fromMutation = (user: string | null) => ({ app: user, componentQuery: user, componentMutation: user });

describe("a query or mutation calling a component", () => {
  it("shares its identity with the component's queries and mutations", async () => {
    expect(await signedIn.query(api.identity.fromQuery, {})).toEqual({
      app: USER,
      componentQuery: USER,
      appQuery: USER,
    });
    expect(await signedIn.mutation(api.identity.fromMutation, {})).toEqual(fromMutation(USER));
  });

  it("shares no identity when it has none", async () => {
    expect(await anonymous.query(api.identity.fromQuery, {})).toEqual({
      app: null,
      componentQuery: null,
      appQuery: null,
    });
  });
});

describe("an action calling a component", () => {
  it("passes it no identity; the app's own functions keep it", async () => {
    expect(await signedIn.action(api.identity.fromAction, {})).toEqual({
      app: USER,
      componentQuery: null,
      componentMutation: null,
      // Within the component too: its action has no user, nor has the query it calls.
      componentAction: { action: null, ownQuery: null },
      appQuery: USER,
      // The app's mutation has the user, and its transaction shares it with the component.
      appMutation: fromMutation(USER),
    });
  });
});

describe("an HTTP action calling a component", () => {
  it("passes it no identity; the app's own functions keep it", async () => {
    const response = await fetch(`${app.server.siteUrl}/whoami`, {
      headers: { authorization: `Bearer ${await app.token(USER)}` },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ app: USER, componentQuery: null, appQuery: USER });
  });
});
