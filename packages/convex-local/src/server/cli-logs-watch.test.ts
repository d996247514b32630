import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { ConvexHttpClient } from "convex/browser";
import { makeFunctionReference } from "convex/server";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { ConvexLocal } from "./start-convex-local.ts";
import { SystemQueries } from "./system-queries.ts";
import { copyFixtureApp, dataDirIn, makeScratchDir, pushOnce, startTestServer } from "../test-fixtures/cli-harness.ts";
import { startCli, type StreamingCli } from "../test-fixtures/cli-stream.ts";

let scratch: { dir: string; cleanup(): Promise<void> };
let server: ConvexLocal;
let app: string;
let client: ConvexHttpClient;
const running: StreamingCli[] = [];

beforeAll(async () => {
  scratch = await makeScratchDir();
  app = await copyFixtureApp("data-app", scratch.dir);
  server = await startTestServer(dataDirIn(scratch.dir));
  await pushOnce(app, server);
  client = new ConvexHttpClient(server.cloudUrl, { logger: false });
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((cli) => cli.stop()));
});

afterAll(async () => {
  await server?.stop();
  await scratch?.cleanup();
});

function start(args: string[]): StreamingCli {
  const cli = startCli(app, server, args);
  running.push(cli);
  return cli;
}

const shout = (text: string) => client.mutation(makeFunctionReference<"mutation">("messages:shout"), { text });

describe("npx convex logs against convex-local", () => {
  it("tails the console lines of functions that run after it started", async () => {
    await shout("before");
    const logs = start(["logs"]);
    await logs.waitFor(/Watching logs/);
    // The first poll only learns where the stream is; give it a moment to be in place.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await shout("after");
    const output = await logs.waitFor(/\[CONVEX M\(messages:shout\)\] \[WARN\] 'careful'/);
    expect(output).toMatch(/\[CONVEX M\(messages:shout\)\] \[LOG\] 'shouting' 'after'/);
    expect(output).not.toContain("'before'");
  });

  it("prints earlier executions with --history, and failures and successes with --success", async () => {
    await shout("remembered");
    await expect(
      client.mutation(makeFunctionReference<"mutation">("messages:remove"), { id: "nope" }),
    ).rejects.toThrow();
    const logs = start(["logs", "--history", "--success"]);
    // The failure's error message (whose wording is the engine's) follows its prefix.
    const output = await logs.waitFor(/\[CONVEX M\(messages:remove\)\] .*Server Error\n[^\n]*(Error|Value)[\s\S]*nope/);
    expect(output).toMatch(/\[CONVEX M\(messages:shout\)\] \[LOG\] 'shouting' 'remembered'/);

    await shout("live");
    const live = await logs.waitFor(
      /'shouting' 'live'[\s\S]*\[CONVEX M\(messages:shout\)\] Function executed in \d+ ms/,
    );
    expect(live).toMatch(/\[CONVEX M\(messages:shout\)\] \[WARN\] 'careful'/);
  });

  it("prints raw log events with --jsonl", async () => {
    await shout("as json");
    const logs = start(["logs", "--history", "--jsonl"]);
    const output = await logs.waitFor(/'as json'/);
    const event = output
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map(
        (line) =>
          JSON.parse(line) as {
            identifier: string;
            udfType: string;
            logLines: { messages: string[]; level: string }[];
          },
      )
      .find((e) => e.logLines.some((l) => l.messages.join(" ").includes("as json")));
    expect(event).toMatchObject({ identifier: "messages:shout", udfType: "Mutation", kind: "Completion" });
    expect(event!.logLines.map((l) => l.level)).toEqual(["LOG", "WARN"]);
  });
});

describe("npx convex run --watch against convex-local", () => {
  it("prints a query's result, and again each time the data it read changes", async () => {
    const before = await client.query(makeFunctionReference<"query">("messages:count"), {});
    const watch = start(["run", "messages:count", "--watch"]);
    await watch.waitFor(new RegExp(`Watching query messages:count[\\s\\S]*\\n${before}\\n`));
    await client.mutation(makeFunctionReference<"mutation">("messages:send"), { body: "one" });
    await watch.waitFor(new RegExp(`\\n${before + 1}\\n`));
    await client.mutation(makeFunctionReference<"mutation">("messages:send"), { body: "two" });
    await watch.waitFor(new RegExp(`\\n${before + 2}\\n`));
    // A write to a table the query did not read re-prints nothing.
    await client.mutation(makeFunctionReference<"mutation">("authors:add"), { name: "unrelated" });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(watch.output().match(/^\d+$/gm)).toEqual([String(before), String(before + 1), String(before + 2)]);
  });

  it("watches a query with arguments", async () => {
    const id = await client.mutation(makeFunctionReference<"mutation">("messages:send"), { body: "watched" });
    const watch = start(["run", "messages:withAuthor", JSON.stringify({ id }), "--watch"]);
    await watch.waitFor(/"body": "watched"/);
    await client.mutation(makeFunctionReference<"mutation">("messages:remove"), { id });
    await watch.waitFor(/"body": null/);
  });
});

describe("npx convex dev against convex-local", () => {
  it("pushes again once the documents that failed the new schema's validation change", async () => {
    await client.mutation(makeFunctionReference<"mutation">("notes:add"), { text: "no rank" });
    const schemaFile = path.join(app, "convex/schema.ts");
    const original = await readFile(schemaFile, "utf8");
    await writeFile(schemaFile, original.replace("rank: v.optional(v.number())", "rank: v.number()"));
    const systemQueries = vi.spyOn(SystemQueries.prototype, "run");
    try {
      const dev = start(["dev", "--typecheck", "disable", "--tail-logs", "disable"]);
      await dev.waitFor(/Schema validation failed[\s\S]*notes/, 60_000);
      // `dev` then watches the failing table through `_system/cli/queryTable` and pushes again when it changes.
      await vi.waitFor(
        () => expect(systemQueries).toHaveBeenCalledWith("_system/cli/queryTable:default", { tableName: "notes" }, ""),
        {
          timeout: 30_000,
          interval: 100,
        },
      );
      expect(dev.output()).not.toContain("Convex functions ready!");
      await client.mutation(makeFunctionReference<"mutation">("notes:clear"), {});
      await dev.waitFor(/Convex functions ready!/, 60_000);
    } finally {
      systemQueries.mockRestore();
      await writeFile(schemaFile, original);
    }
  });
});
