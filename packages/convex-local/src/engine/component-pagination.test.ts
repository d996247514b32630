/**
 * `paginate()` only in the app, as on Convex: the backend's `queryPage`
 * syscall refuses it in a component (`PaginationUnsupportedInComponents`),
 * and the component's function gets a catchable `Error` with the backend's
 * message. Pushed with the real CLI, called through the real client.
 *
 * Regression: convex-test pages in every component, so a library component
 * that called `paginate()` passed every local test and failed on Convex.
 */
import { ConvexHttpClient } from "convex/browser";
import { anyApi } from "convex/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PAGINATION_UNSUPPORTED_IN_COMPONENTS } from "./component-pagination.ts";
import { startComponentRulesApp, type ComponentRulesApp } from "./test-fixtures/start-component-rules-app.ts";

const api = anyApi;
let app: ComponentRulesApp;
let client: ConvexHttpClient;

beforeAll(async () => {
  app = await startComponentRulesApp();
  client = new ConvexHttpClient(app.server.cloudUrl, { logger: false });
  for (const text of ["a", "b", "c"]) await client.mutation(api.ledger.add, { text });
}, 180_000);

afterAll(async () => {
  await app?.stop();
});

describe("paginate() in a component", () => {
  it("fails the call with the backend's error, wrapped as the app's nested call", async () => {
    const error = await client.query(api.ledger.entriesPage, { paginationOpts: { numItems: 2, cursor: null } }).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(/^\[Request ID: [0-9a-f]{16}\] Server Error\n/);
    expect(error?.message).toContain(`Uncaught Error: Uncaught Error: ${PAGINATION_UNSUPPORTED_IN_COMPONENTS}`);
  });

  it("throws an ordinary Error the component's code can catch", async () => {
    expect(await client.query(api.ledger.entriesPageCaught, {})).toEqual({
      name: "Error",
      message: PAGINATION_UNSUPPORTED_IN_COMPONENTS,
    });
  });

  it("leaves the component's other reads alone", async () => {
    expect(await client.query(api.ledger.entries, {})).toEqual(["a", "b", "c"]);
  });
});

describe("paginate() in the app", () => {
  it("pages as before", async () => {
    const first = (await client.query(api.ledger.notesPage, { paginationOpts: { numItems: 2, cursor: null } })) as {
      page: { text: string }[];
      isDone: boolean;
      continueCursor: string;
    };
    expect(first.page.map((note) => note.text)).toEqual(["a", "b"]);
    expect(first.isDone).toBe(false);
    const rest = (await client.query(api.ledger.notesPage, {
      paginationOpts: { numItems: 2, cursor: first.continueCursor },
    })) as { page: { text: string }[]; isDone: boolean };
    expect(rest.page.map((note) => note.text)).toEqual(["c"]);
    expect(rest.isDone).toBe(true);
  });
});
