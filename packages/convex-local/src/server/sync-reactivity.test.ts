/**
 * Reactivity over the sync socket with real convex 1.49 clients: read-set
 * invalidation (table and document granularity), gapless pagination
 * through journals, log lines, and user JWTs over `Authenticate`.
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { ConvexClient } from "convex/browser";
import { anyApi } from "convex/server";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConvexLocal } from "./start-convex-local.ts";
import { copyFixtureApp, dataDirIn, makeScratchDir, pushOnce, startTestServer } from "../test-fixtures/cli-harness.ts";
import { executionCount, openSyncSocket, waitFor } from "../test-fixtures/sync-socket.ts";

const ISSUER = "https://issuer.convex-local.test";
const AUDIENCE = "convex-local-sync-test";

let scratch: { dir: string; cleanup(): Promise<void> };
let server: ConvexLocal;
let privateKey: CryptoKey;
const clients: ConvexClient[] = [];

function newClient(): ConvexClient {
  const client = new ConvexClient(server.cloudUrl, {
    webSocketConstructor: globalThis.WebSocket,
    unsavedChangesWarning: false,
  });
  clients.push(client);
  return client;
}

function signToken(subject: string, key: CryptoKey = privateKey): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: "RS256", kid: "test-key" })
    .setIssuer(ISSUER)
    .setSubject(subject)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime("1h")
    .sign(key);
}

/** The latest value a subscription delivered, and a way to wait for one that passes `check`. */
function subscribe<T>(client: ConvexClient, query: unknown, args: Record<string, unknown>) {
  const values: T[] = [];
  client.onUpdate(query as never, args as never, (value: unknown) => values.push(value as T));
  return {
    values,
    until: (check: (value: T) => boolean) =>
      waitFor(() => values.find((value, i) => i === values.length - 1 && check(value))),
  };
}

beforeAll(async () => {
  scratch = await makeScratchDir();
  const keys = await generateKeyPair("RS256", { extractable: true });
  privateKey = keys.privateKey;
  const jwks = { keys: [{ ...(await exportJWK(keys.publicKey)), kid: "test-key", alg: "RS256", use: "sig" }] };
  const appDir = await copyFixtureApp("sync-app", scratch.dir);
  const provider = {
    type: "customJwt",
    issuer: ISSUER,
    applicationID: AUDIENCE,
    algorithm: "RS256",
    jwks: `data:text/plain;charset=utf-8;base64,${Buffer.from(JSON.stringify(jwks)).toString("base64")}`,
  };
  await writeFile(
    path.join(appDir, "convex/auth.config.ts"),
    `export default { providers: [${JSON.stringify(provider)}] };\n`,
  );
  server = await startTestServer(dataDirIn(scratch.dir));
  await pushOnce(appDir, server);
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await server?.stop();
  await scratch?.cleanup();
});

describe("sync reactivity", () => {
  it("updates a subscription after another client's mutation, and not after writes to another table", async () => {
    const watcher = newClient();
    const writer = newClient();
    const list = subscribe<string[]>(watcher, anyApi.messages.list, {});
    await list.until((bodies) => bodies.length === 0);

    await writer.mutation(anyApi.messages.send, { body: "first", rank: 1 });
    await list.until((bodies) => bodies.includes("first"));
    const runs = await executionCount(server, "messages:list");

    for (let i = 0; i < 3; i++) await writer.mutation(anyApi.notes.add, { text: `unrelated ${i}` });
    // Give any (wrong) re-run time to happen: a messages write right after must be the next run.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await executionCount(server, "messages:list")).toBe(runs);

    await writer.mutation(anyApi.messages.send, { body: "second", rank: 2 });
    await list.until((bodies) => bodies.includes("second"));
    expect(await executionCount(server, "messages:list")).toBe(runs + 1);
  });

  it("re-runs a query that fetched one document only when that document changes", async () => {
    const client = newClient();
    const watched = await client.mutation(anyApi.notes.add, { text: "watched" });
    const other = await client.mutation(anyApi.notes.add, { text: "other" });
    const note = subscribe<string | null>(client, anyApi.notes.get, { id: watched });
    await note.until((text) => text === "watched");
    const runs = await executionCount(server, "notes:get");

    await client.mutation(anyApi.notes.update, { id: other, text: "other changed" });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await executionCount(server, "notes:get")).toBe(runs);

    await client.mutation(anyApi.notes.update, { id: watched, text: "watched changed" });
    await note.until((text) => text === "watched changed");
  });

  it("re-runs an index-range query only for writes inside the range", async () => {
    const client = newClient();
    const ranked = subscribe<string[]>(client, anyApi.messages.rankedFrom, { min: 1000 });
    await ranked.until((bodies) => bodies.length === 0);
    const runs = await executionCount(server, "messages:rankedFrom");
    await client.mutation(anyApi.messages.send, { body: "low", rank: 999 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await executionCount(server, "messages:rankedFrom")).toBe(runs);
    await client.mutation(anyApi.messages.send, { body: "high", rank: 1000 });
    await ranked.until((bodies) => bodies.includes("high"));
    expect(await executionCount(server, "messages:rankedFrom")).toBe(runs + 1);
  });

  it("keeps paginated pages gapless while rows are inserted (journals pin each page's end)", async () => {
    const client = newClient();
    for (const rank of [10, 20, 30, 40, 50]) await client.mutation(anyApi.messages.send, { body: `r${rank}`, rank });
    type Page = { page: string[]; continueCursor: string; isDone: boolean };
    const first = subscribe<Page>(client, anyApi.messages.page, { paginationOpts: { numItems: 2, cursor: null } });
    // Ranks 1 and 2 come from the first test.
    const page1 = await first.until((p) => p.page.length === 2);
    expect(page1.page).toEqual(["first", "second"]);
    const second = subscribe<Page>(client, anyApi.messages.page, {
      paginationOpts: { numItems: 2, cursor: page1.continueCursor },
    });
    const page2 = await second.until((p) => p.page.length === 2);
    expect(page2.page).toEqual(["r10", "r20"]);
    const third = subscribe<Page>(client, anyApi.messages.page, {
      paginationOpts: { numItems: 2, cursor: page2.continueCursor },
    });
    await third.until((p) => p.page.length === 2);

    // Into page 1's range: without a journal page 1 would drop "second" into the gap before page 2.
    await client.mutation(anyApi.messages.send, { body: "r1.5", rank: 1.5 });
    await first.until((p) => p.page.length === 3);
    await client.mutation(anyApi.messages.send, { body: "r15", rank: 15 });
    await second.until((p) => p.page.length === 3);

    const pages = [first, second, third].map((s) => s.values.at(-1)!);
    expect(pages.map((p) => p.page)).toEqual([
      ["first", "r1.5", "second"],
      ["r10", "r15", "r20"],
      ["r30", "r40"],
    ]);
    expect(pages[0]!.continueCursor).toBe(page1.continueCursor);
    expect(pages[1]!.continueCursor).toBe(page2.continueCursor);
    const all = await client.query(anyApi.messages.list, {});
    expect(pages.flatMap((p) => p.page)).toEqual(all.slice(0, 8));
  });

  it("sends function log lines with query results and mutation responses", async () => {
    const seen: string[] = [];
    const socket = await openSyncSocket(server.cloudUrl, "log-lines");
    socket.send({
      type: "ModifyQuerySet",
      baseVersion: 0,
      newVersion: 1,
      modifications: [{ type: "Add", queryId: 0, udfPath: "messages:list", args: [{}] }],
    });
    const transition = await socket.next();
    expect(transition).toMatchObject({
      type: "Transition",
      modifications: [{ type: "QueryUpdated", logLines: ["[LOG] 'list ran'"] }],
    });
    socket.send({ type: "Mutation", requestId: 0, udfPath: "messages:send", args: [{ body: "logged", rank: 100 }] });
    expect(await socket.next()).toMatchObject({
      type: "MutationResponse",
      success: true,
      logLines: ["[LOG] 'sending' 'logged'"],
    });
    seen.push(
      ...((await socket.next()) as unknown as { modifications: { logLines: string[] }[] }).modifications.flatMap(
        (m) => m.logLines,
      ),
    );
    expect(seen).toEqual(["[LOG] 'list ran'"]);
    socket.close();
  });

  it("keeps ConvexClient's paginated API gapless across loadMore and inserts", async () => {
    const client = newClient();
    type Paginated = { results: string[]; status: string; loadMore(n: number): boolean };
    const updates: Paginated[] = [];
    client.onPaginatedUpdate_experimental(anyApi.messages.page, {}, { initialNumItems: 2 }, (value: unknown) =>
      updates.push(value as Paginated),
    );
    const latest = (check: (p: Paginated) => boolean) =>
      waitFor(() => (updates.length > 0 && check(updates.at(-1)!) ? updates.at(-1)! : undefined)).catch(
        (error: Error) => {
          throw new Error(`${error.message}; updates: ${JSON.stringify(updates.map((u) => [u.status, u.results]))}`);
        },
      );
    const first = await latest((p) => p.results.length === 2);
    first.loadMore(2);
    await latest((p) => p.results.length === 4);
    await client.mutation(anyApi.messages.send, { body: "r0.5", rank: 0.5 });
    // Into the second loaded page; one past the last loaded row would belong to the unloaded next page.
    await client.mutation(anyApi.messages.send, { body: "r1.7", rank: 1.7 });
    const grown = await latest((p) => p.results.length === 6);
    const all: string[] = await client.query(anyApi.messages.list, {});
    expect(grown.results).toEqual(all.slice(0, 6));
    expect(grown.results).toEqual(expect.arrayContaining(["r0.5", "r1.7"]));
  });
});

describe("user auth over the socket", () => {
  it("a ConvexClient with a customJwt token sees its identity in queries", async () => {
    const client = newClient();
    const authStates: boolean[] = [];
    client.setAuth(
      async () => await signToken("user-1"),
      (isAuthenticated) => authStates.push(isAuthenticated),
    );
    const whoami = subscribe<{ subject: string; tokenIdentifier: string } | null>(client, anyApi.auth.whoami, {});
    const identity = await whoami.until((value) => value !== null);
    expect(identity).toEqual({ subject: "user-1", tokenIdentifier: `${ISSUER}|user-1` });
    await waitFor(() => (authStates.includes(true) ? true : undefined));
  });

  it("bumps the identity version and re-runs queries under the new identity", async () => {
    const socket = await openSyncSocket(server.cloudUrl, "auth-raw");
    socket.send({
      type: "ModifyQuerySet",
      baseVersion: 0,
      newVersion: 1,
      modifications: [{ type: "Add", queryId: 0, udfPath: "auth:whoami", args: [{}] }],
    });
    expect(await socket.next()).toMatchObject({
      type: "Transition",
      modifications: [{ type: "QueryUpdated", value: null }],
    });
    socket.send({ type: "Authenticate", baseVersion: 0, tokenType: "User", value: await signToken("user-2") });
    expect(await socket.next()).toMatchObject({
      type: "Transition",
      startVersion: { querySet: 1, identity: 0 },
      endVersion: { querySet: 1, identity: 1 },
      modifications: [
        { type: "QueryUpdated", queryId: 0, value: { subject: "user-2", tokenIdentifier: `${ISSUER}|user-2` } },
      ],
    });
    socket.close();
  });

  it("answers a bad token with AuthError and closes the socket", async () => {
    const socket = await openSyncSocket(server.cloudUrl, "auth-bad");
    const stranger = await generateKeyPair("RS256");
    socket.send({
      type: "Authenticate",
      baseVersion: 0,
      tokenType: "User",
      value: await signToken("mallory", stranger.privateKey),
    });
    const error = await socket.next();
    expect(error).toMatchObject({ type: "AuthError", baseVersion: 0, authUpdateAttempted: true });
    expect(String(error.error)).not.toBe("");
    expect(await socket.closed).toBe(1005);

    const garbage = await openSyncSocket(server.cloudUrl, "auth-garbage");
    garbage.send({ type: "Authenticate", baseVersion: 0, tokenType: "User", value: "not-a-jwt" });
    expect(await garbage.next()).toMatchObject({ type: "AuthError", authUpdateAttempted: true });
    await garbage.closed;
  });

  it("fails the socket once the user token expires (AuthError without an update attempt)", async () => {
    const expiresAt = Math.floor(Date.now() / 1000) + 2;
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: "RS256", kid: "test-key" })
      .setIssuer(ISSUER)
      .setSubject("short-lived")
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(expiresAt)
      .sign(privateKey);
    const socket = await openSyncSocket(server.cloudUrl, "auth-expiry");
    socket.send({ type: "Authenticate", baseVersion: 0, tokenType: "User", value: token });
    expect(await socket.next()).toMatchObject({ type: "Transition", endVersion: { identity: 1 } });
    await new Promise((resolve) => setTimeout(resolve, expiresAt * 1000 - Date.now() + 50));
    socket.send({ type: "Mutation", requestId: 0, udfPath: "notes:add", args: [{ text: "too late" }] });
    expect(await socket.next()).toMatchObject({
      type: "AuthError",
      error: "Convex token identity expired",
      baseVersion: 1,
      authUpdateAttempted: false,
    });
    await socket.closed;
  });
});
