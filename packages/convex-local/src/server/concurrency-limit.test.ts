/**
 * Concurrent function executions are bounded as on Convex: beyond
 * `maxConcurrency` calls from clients wait in line, and every one completes.
 * The counts come from the real engine, under the limit, so they are what
 * actually ran at once.
 *
 * Regression: every request ran at once; 60 concurrent sign-ups (Better
 * Auth hashes each password with ~32 MiB) drove convex-local to 2.1 GB.
 */
import { ConvexClient, ConvexHttpClient } from "convex/browser";
import { anyApi } from "convex/server";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createEngine as createDefaultEngine } from "../engine/create-engine.ts";
import type { Engine, EngineOptions, RunRequest } from "../engine/types.ts";
import { HARDENING_SITE_URL, startHardeningApp, type HardeningAppSetup } from "../test-fixtures/start-hardening-app.ts";

const LIMIT = 4;

type Counter = { now: number; peak: number };
const counters = { actions: { now: 0, peak: 0 }, transactions: { now: 0, peak: 0 }, httpActions: { now: 0, peak: 0 } };

async function counted<T>(counter: Counter, body: () => Promise<T>): Promise<T> {
  counter.now += 1;
  counter.peak = Math.max(counter.peak, counter.now);
  try {
    return await body();
  } finally {
    counter.now -= 1;
  }
}

/** The real engine, counting the executions that reach it. */
async function countingEngine(options: EngineOptions): Promise<Engine> {
  const engine = await createDefaultEngine(options);
  return new Proxy(engine, {
    get(target, property) {
      if (property === "run") {
        return (request: RunRequest) =>
          counted(request.udfPath.startsWith("slow:sleep") ? counters.actions : counters.transactions, () =>
            target.run(request),
          );
      }
      if (property === "runHttpAction") {
        return (...args: Parameters<NonNullable<Engine["runHttpAction"]>>) =>
          counted(counters.httpActions, () => target.runHttpAction!(...args));
      }
      return Reflect.get(target, property, target) as unknown;
    },
  });
}

let setup: HardeningAppSetup;

beforeAll(async () => {
  setup = await startHardeningApp({ maxConcurrency: LIMIT, createEngine: countingEngine });
}, 180_000);

beforeEach(() => {
  for (const counter of Object.values(counters)) counter.peak = counter.now;
});

afterAll(async () => {
  await setup?.stop();
});

describe(`maxConcurrency: ${LIMIT}`, () => {
  it("runs 40 concurrent actions from ConvexHttpClient at most 4 at a time, and completes them all", async () => {
    const client = new ConvexHttpClient(setup.server.cloudUrl, { logger: false });
    const started = Date.now();
    const results = await Promise.all(
      Array.from({ length: 40 }, () => client.action(anyApi.slow!.sleep!, { ms: 100 })),
    );
    expect(results).toEqual(Array.from({ length: 40 }, () => 100));
    expect(counters.actions.peak).toBe(LIMIT);
    // Ten rounds of four: queued, not refused and not all at once.
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it("holds for the sync protocol (ConvexClient) too", async () => {
    const client = new ConvexClient(setup.server.cloudUrl, { unsavedChangesWarning: false });
    try {
      const results = await Promise.all(
        Array.from({ length: 24 }, () => client.action(anyApi.slow!.sleep!, { ms: 50 })),
      );
      expect(results).toHaveLength(24);
    } finally {
      await client.close();
    }
    expect(counters.actions.peak).toBe(LIMIT);
  });

  it("runs 30 concurrent HTTP actions at most 4 at a time, and answers them all", async () => {
    const statuses = await Promise.all(
      Array.from({ length: 30 }, async () => (await fetch(`${setup.server.siteUrl}/slow?ms=100`)).status),
    );
    expect(statuses).toEqual(Array.from({ length: 30 }, () => 200));
    expect(counters.httpActions.peak).toBe(LIMIT);
  });

  it("keeps queries out of the actions' line: a query answers while actions queue", async () => {
    const client = new ConvexHttpClient(setup.server.cloudUrl, { logger: false });
    const actions = Promise.all(Array.from({ length: 12 }, () => client.action(anyApi.slow!.sleep!, { ms: 300 })));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const asked = Date.now();
    expect(await client.query(anyApi.slow!.ping!, {})).toBe("pong");
    expect(Date.now() - asked).toBeLessThan(300);
    await actions;
    expect(counters.transactions.peak).toBeLessThanOrEqual(LIMIT);
  });

  // 12 rather than the 60 of the report: each sign-up hashes for about a second on a loaded 2-core machine.
  it("completes 12 concurrent Better Auth sign-ups with at most 4 hashing at once", async () => {
    const signUp = async (i: number) => {
      const response = await fetch(`${setup.server.siteUrl}/api/auth/sign-up/email`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: HARDENING_SITE_URL },
        body: JSON.stringify({ email: `user${i}@example.com`, password: "correct horse battery 1", name: `User ${i}` }),
      });
      return response.status;
    };
    const statuses = await Promise.all(Array.from({ length: 12 }, (_, i) => signUp(i)));
    expect(statuses).toEqual(Array.from({ length: 12 }, () => 200));
    expect(counters.httpActions.peak).toBe(LIMIT);
  });
});
