import { ConvexHttpClient } from "convex/browser";
import { makeFunctionReference } from "convex/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConvexLocal } from "./start-convex-local.ts";
import {
  copyFixtureApp,
  dataDirIn,
  expectSuccess,
  makeScratchDir,
  pushOnce,
  runCli,
  startTestServer,
} from "../test-fixtures/cli-harness.ts";

let scratch: { dir: string; cleanup(): Promise<void> };
let server: ConvexLocal;
let app: string;
const ids: { author: string; file: string; first: string; second: string } = {
  author: "",
  file: "",
  first: "",
  second: "",
};

beforeAll(async () => {
  scratch = await makeScratchDir();
  app = await copyFixtureApp("data-app", scratch.dir);
  server = await startTestServer(dataDirIn(scratch.dir));
  await pushOnce(app, server);
  const client = new ConvexHttpClient(server.cloudUrl);
  ids.author = await client.mutation(makeFunctionReference<"mutation">("authors:add"), { name: "Ada" });
  ids.file = await client.action(makeFunctionReference<"action">("files:upload"), { text: "hello file" });
  ids.first = await client.mutation(makeFunctionReference<"mutation">("messages:send"), {
    body: "first",
    author: ids.author,
    count: 5n,
    score: 1.5,
    raw: new Uint8Array([1, 2, 3]).buffer,
    tags: ["a", "b"],
    attachment: ids.file,
  });
  ids.second = await client.mutation(makeFunctionReference<"mutation">("messages:send"), { body: "second" });
  await client.mutation(makeFunctionReference<"mutation">("counters:bump"), { name: "hits" });
});

afterAll(async () => {
  await server?.stop();
  await scratch?.cleanup();
});

/** The data rows (after the header and its rule) of `npx convex data <table>`'s table. */
function tableRows(stdout: string): string[] {
  return stdout.trim().split("\n").slice(2);
}

describe("npx convex data against convex-local", () => {
  /**
   * Regression: `npx convex data <table>` failed with "Could not find system
   * function '_system/cli/tableData:default'" (issue #16), and `data` alone
   * with the same error for `_system/cli/tables`.
   */
  it("lists the user tables, schema tables without documents included", async () => {
    const result = expectSuccess(await runCli(app, server, ["data"]));
    expect(result.stdout.trim().split("\n")).toEqual(["authors", "messages", "notes"]);
    expect(result.output).not.toContain("Could not find system function");
  });

  it("prints a table's documents, newest first, in the CLI's table layout", async () => {
    const result = expectSuccess(await runCli(app, server, ["data", "messages"]));
    const [header] = result.stdout.split("\n");
    expect(header!.split("|").map((cell) => cell.trim())).toEqual([
      "_id",
      "_creationTime",
      "attachment",
      "author",
      "body",
      "count",
      "raw",
      "score",
      "tags",
    ]);
    const rows = tableRows(result.stdout);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain(`"${ids.second}"`);
    // Convex values as the CLI prints them: int64 with `n`, bytes as `Bytes(…)`.
    expect(rows[1]).toMatch(
      new RegExp(
        `"${ids.first}".*"${ids.file}".*"${ids.author}".*"first".*5n.*Bytes\\("AQID"\\).*1\\.5.*\\["a", "b"\\]`,
      ),
    );
  });

  it("honours --limit, --order and --format", async () => {
    const oldest = expectSuccess(await runCli(app, server, ["data", "messages", "--limit", "1", "--order", "asc"]));
    expect(tableRows(oldest.stdout)).toHaveLength(1);
    expect(tableRows(oldest.stdout)[0]).toContain(`"${ids.first}"`);
    expect(oldest.stderr).toContain("Showing the 1 oldest created document. Use the --limit option to see more.");

    const lines = expectSuccess(await runCli(app, server, ["data", "messages", "--format", "jsonl"]));
    expect(
      lines.stdout
        .trim()
        .split("\n")
        .map((line) => /"_id": "([^"]+)"/.exec(line)?.[1]),
    ).toEqual([ids.second, ids.first]);

    const array = expectSuccess(await runCli(app, server, ["data", "authors", "--format", "json"]));
    expect(array.stdout.trim()).toMatch(/^\[\n\{ "_creationTime": [0-9.]+, "_id": "[^"]+", "name": "Ada" \}\n\]$/);
  });

  it("reads system tables and components' tables", async () => {
    const storage = expectSuccess(await runCli(app, server, ["data", "_storage", "--format", "jsonl"]));
    expect(storage.stdout).toContain(`"_id": "${ids.file}"`);
    expect(storage.stdout).toContain('"contentType": "text/plain"');
    expect(storage.stdout).toContain('"size": 10');

    const tables = expectSuccess(await runCli(app, server, ["data", "--component", "counter"]));
    expect(tables.stdout.trim()).toBe("counters");
    const counters = expectSuccess(
      await runCli(app, server, ["data", "counters", "--component", "counter", "--format", "jsonl"]),
    );
    expect(counters.stdout).toMatch(/"name": "hits", "value": 1 \}/);
  });

  it("says so when a table has no documents", async () => {
    const result = expectSuccess(await runCli(app, server, ["data", "notes"]));
    expect(result.stdout.trim()).toBe("");
    expect(result.stderr).toContain("There are no documents in this table.");
  });

  it("prints up to --limit documents, the newest first", async () => {
    const client = new ConvexHttpClient(server.cloudUrl);
    for (let i = 0; i < 12; i++)
      await client.mutation(makeFunctionReference<"mutation">("authors:add"), { name: `author ${i}` });
    // The CLI asks for `limit + 1` documents; 12 + Ada = 13 in all.
    const result = expectSuccess(await runCli(app, server, ["data", "authors", "--limit", "20", "--format", "jsonl"]));
    expect(result.stdout.trim().split("\n")).toHaveLength(13);
    const limited = expectSuccess(await runCli(app, server, ["data", "authors", "--limit", "5", "--format", "jsonl"]));
    expect(limited.stdout.trim().split("\n")).toHaveLength(5);
    expect(limited.stdout).toContain('"name": "author 11"');
  });
});

describe("system queries over the HTTP function API", () => {
  // `npx convex import` lists running imports with ConvexHttpClient before it uploads.
  it("answers `_system/*` queries on /api/query for the admin key only", async () => {
    const query = (authorization?: string) =>
      fetch(`${server.cloudUrl}/api/query`, {
        method: "POST",
        headers: { "Content-Type": "application/json", ...(authorization ? { Authorization: authorization } : {}) },
        body: JSON.stringify({ path: "_system/cli/tableSize", args: [{ tableName: "messages" }], format: "json" }),
      });
    const admin = await query(`Convex ${server.adminKey}`);
    expect(await admin.json()).toEqual({ status: "success", value: 2 });
    const anonymous = await query();
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ code: "BadAdminKey" });
    const imports = new ConvexHttpClient(server.cloudUrl, { logger: false });
    // The CLI's own call: `setAdminAuth` is internal to `convex`, missing from its types.
    (imports as unknown as { setAdminAuth(key: string): void }).setAdminAuth(server.adminKey);
    expect(await imports.query(makeFunctionReference<"query">("_system/cli/queryImport:list"), {})).toEqual([]);
  });
});

describe("npx convex function-spec against convex-local", () => {
  it("prints the deployment URL and every function with its validators", async () => {
    const result = expectSuccess(await runCli(app, server, ["function-spec"]));
    const spec = JSON.parse(result.stdout) as {
      url: string;
      functions: {
        identifier?: string;
        functionType: string;
        args?: unknown;
        returns?: unknown;
        visibility?: unknown;
      }[];
    };
    expect(spec.url).toBe(server.cloudUrl);
    const byId = new Map(spec.functions.map((fn) => [fn.identifier, fn]));
    expect(byId.get("messages.js:send")).toMatchObject({
      functionType: "Mutation",
      visibility: { kind: "public" },
      args: { type: "object", value: { body: { fieldType: { type: "string" }, optional: false } } },
      // No returns validator: the backend lists `any`.
      returns: { type: "any" },
    });
    expect(byId.get("files.js:upload")).toMatchObject({ functionType: "Action" });
    expect(byId.get("messages.js:list")).toMatchObject({ functionType: "Query" });
  });
});
