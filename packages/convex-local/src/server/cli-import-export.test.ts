import { readdir, readFile, writeFile, mkdir } from "node:fs/promises";
import path from "node:path";
import { ConvexHttpClient } from "convex/browser";
import { makeFunctionReference } from "convex/server";
import { strFromU8, strToU8, unzipSync, zipSync } from "fflate";
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
let out: string;
const ids = { author: "", file: "", first: "", second: "" };
/** `data <table> --format jsonl` of each table when the first export was taken. */
const atExport: Record<string, string> = {};

beforeAll(async () => {
  scratch = await makeScratchDir();
  app = await copyFixtureApp("data-app", scratch.dir);
  out = path.join(scratch.dir, "out");
  await mkdir(out);
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

/** Calls a function over HTTP (quicker than `npx convex run`, which other tests cover). */
async function call(
  target: ConvexLocal,
  kind: "query" | "mutation" | "action",
  name: string,
  args: Record<string, unknown>,
): Promise<unknown> {
  const client = new ConvexHttpClient(target.cloudUrl);
  if (kind === "query") return await client.query(makeFunctionReference<"query">(name), args);
  if (kind === "mutation") return await client.mutation(makeFunctionReference<"mutation">(name), args);
  return await client.action(makeFunctionReference<"action">(name), args);
}

async function dataLines(target: ConvexLocal, table: string, extra: string[] = []): Promise<string> {
  return expectSuccess(await runCli(app, target, ["data", table, "--format", "jsonl", ...extra])).stdout.trim();
}

async function zipEntries(file: string): Promise<Record<string, string>> {
  const entries = unzipSync(new Uint8Array(await readFile(file)));
  return Object.fromEntries(Object.entries(entries).map(([name, bytes]) => [name, strFromU8(bytes)]));
}

describe("npx convex export against convex-local", () => {
  it("downloads a snapshot ZIP laid out as Convex lays out its exports", async () => {
    for (const table of ["authors", "messages"]) atExport[table] = await dataLines(server, table);
    atExport.counters = await dataLines(server, "counters", ["--component", "counter"]);
    const result = expectSuccess(await runCli(app, server, ["export", "--path", path.join(out, "snap.zip")]));
    expect(result.output).toMatch(/Created snapshot export at timestamp \d+/);
    expect(result.output).toContain("Downloaded snapshot export to");

    const entries = await zipEntries(path.join(out, "snap.zip"));
    expect(Object.keys(entries).sort()).toEqual([
      "README.md",
      "_components/counter/_tables/documents.jsonl",
      "_components/counter/counters/documents.jsonl",
      "_components/counter/counters/generated_schema.jsonl",
      "_tables/documents.jsonl",
      "authors/documents.jsonl",
      "authors/generated_schema.jsonl",
      "messages/documents.jsonl",
      "messages/generated_schema.jsonl",
      "notes/documents.jsonl",
      "notes/generated_schema.jsonl",
    ]);
    expect(entries["messages/generated_schema.jsonl"]).toBe('"uniform"\n');
    expect(
      entries["_tables/documents.jsonl"]!.trim()
        .split("\n")
        .map((line) => (JSON.parse(line) as { name: string }).name),
    ).toEqual(["authors", "messages", "notes"]);
    const first = entries["messages/documents.jsonl"]!.split("\n").find((line) => line.includes(ids.first))!;
    // int64 as an integer, float64 with a dot, bytes in their $ form.
    expect(first).toContain('"count":5,');
    expect(first).toContain('"score":1.5,');
    expect(first).toContain('"raw":{"$bytes":"AQID"}');
    expect(first).toMatch(/"_creationTime":\d+(\.\d+)?,/);
    expect(entries["notes/documents.jsonl"]).toBe("");
  });

  it("adds stored files with --include-file-storage, named by the server when --path is a folder", async () => {
    const folder = path.join(out, "with-files");
    await mkdir(folder);
    expectSuccess(await runCli(app, server, ["export", "--include-file-storage", "--path", folder]));
    const [file] = await readdir(folder);
    expect(file).toMatch(/^snapshot_convex-local_\d+\.zip$/);
    const entries = await zipEntries(path.join(folder, file!));
    expect(entries[`_storage/${ids.file}.txt`]).toBe("hello file");
    const metadata = JSON.parse(entries["_storage/documents.jsonl"]!.trim()) as Record<string, unknown>;
    expect(metadata).toMatchObject({ _id: ids.file, size: 10, contentType: "text/plain" });
    expect(entries["_components/counter/_storage/documents.jsonl"]).toBe("");
  });
});

describe("npx convex import against convex-local", () => {
  it("restores an export into a fresh deployment: same ids, creation times, values, references and files", async () => {
    const folder = path.join(out, "with-files");
    const [file] = await readdir(folder);
    const fresh = await startTestServer(path.join(scratch.dir, "node_modules", ".convex-local-restore"));
    try {
      await pushOnce(app, fresh);
      const result = expectSuccess(await runCli(app, fresh, ["import", path.join(folder, file!)]));
      expect(result.output).toContain("Import change summary:");
      expect(result.output).toMatch(/messages +\| 2 +\| 0 of 0 +\|/);
      expect(result.output).toMatch(/_storage +\| 1 +\| 0 of 0 files \|/);
      expect(result.output).toContain("Component counter");
      // Files are not counted, as on Convex: 1 author + 2 messages + 1 counter.
      expect(result.output).toContain("Added 4 documents.");

      expect(await dataLines(fresh, "authors")).toBe(atExport.authors);
      expect(await dataLines(fresh, "messages")).toBe(atExport.messages);
      expect(await dataLines(fresh, "counters", ["--component", "counter"])).toBe(atExport.counters);
      expect(await call(fresh, "action", "files:read", { id: ids.file })).toBe("hello file");
      expect(await call(fresh, "query", "messages:withAuthor", { id: ids.first })).toEqual({
        body: "first",
        author: "Ada",
      });
      expect(await call(fresh, "query", "counters:read", { name: "hits" })).toBe(1);
      // New documents get ids the import did not use.
      const added = (await call(fresh, "mutation", "authors:add", { name: "Bob" })) as string;
      expect(added).not.toBe(ids.author);
      expect((await dataLines(fresh, "authors")).split("\n")).toHaveLength(2);
    } finally {
      await fresh.stop();
    }
  });

  it("replaces everything with --replace-all after asking, and only with --yes when it deletes", async () => {
    const client = new ConvexHttpClient(server.cloudUrl);
    await client.mutation(makeFunctionReference<"mutation">("messages:remove"), { id: ids.second });
    await client.mutation(makeFunctionReference<"mutation">("messages:send"), { body: "after the export" });
    await client.mutation(makeFunctionReference<"mutation">("counters:bump"), { name: "hits" });
    const changed = await dataLines(server, "messages");

    const refused = await runCli(app, server, ["import", "--replace-all", path.join(out, "snap.zip")]);
    expect(refused.code).toBe(1);
    expect(refused.output).toMatch(/messages +\| 2 +\| 2 of 2 +\|/);
    expect(refused.output).toContain("Perform import?");
    expect(await dataLines(server, "messages")).toBe(changed);

    const result = expectSuccess(
      await runCli(app, server, ["import", "--replace-all", "--yes", path.join(out, "snap.zip")]),
    );
    expect(result.output).toContain("Added 4 documents.");
    expect(await dataLines(server, "messages")).toBe(atExport.messages);
    expect(await dataLines(server, "counters", ["--component", "counter"])).toBe(atExport.counters);
  });

  it("imports one table from JSONL, CSV and a JSON array", async () => {
    await writeFile(path.join(out, "notes.jsonl"), '{"text":"one","rank":1}\n{"text":"two"}\n');
    await writeFile(path.join(out, "notes.csv"), 'text,rank\n"three, with a comma",3\n');
    await writeFile(path.join(out, "more-notes.json"), '[{"text":"four","rank":4.5}]');

    const jsonl = expectSuccess(
      await runCli(app, server, ["import", "--table", "notes", path.join(out, "notes.jsonl")]),
    );
    expect(jsonl.output).toContain('Added 2 documents to table "notes".');
    expectSuccess(await runCli(app, server, ["import", "--table", "notes", "--append", path.join(out, "notes.csv")]));
    const lines = await dataLines(server, "notes");
    expect(lines).toMatch(/"rank": 3, "text": "three, with a comma"/);
    expect(lines.split("\n")).toHaveLength(3);

    const replaced = expectSuccess(
      await runCli(app, server, ["import", "--table", "notes", "--replace", "-y", path.join(out, "more-notes.json")]),
    );
    expect(replaced.output).toMatch(/notes +\| 1 +\| 3 of 3 +\|/);
    expect(await dataLines(server, "notes")).toMatch(
      /^\{ "_creationTime": [0-9.]+, "_id": "[^"]+", "rank": 4\.5, "text": "four" \}$/,
    );
  });

  it("refuses a non-empty table without --append or --replace, and documents that don't fit the schema", async () => {
    const exists = await runCli(app, server, ["import", "--table", "notes", path.join(out, "notes.jsonl")]);
    expect(exists.code).toBe(1);
    expect(exists.output).toContain(
      "Table notes already exists. Please choose a new table name or use replace/append modes.",
    );

    await writeFile(path.join(out, "bad.jsonl"), '{"text":"fine"}\n{"text":1}\n');
    const before = await dataLines(server, "notes");
    const bad = await runCli(app, server, ["import", "--table", "notes", "--append", path.join(out, "bad.jsonl")]);
    expect(bad.code).toBe(1);
    expect(bad.output).toContain(
      'Failed to insert or update a document in table "notes" because it does not match the schema',
    );
    // One transaction: the row that fitted was not written either.
    expect(await dataLines(server, "notes")).toBe(before);
  });

  it("gives documents exported from another deployment fresh ids, and keeps their references", async () => {
    const zip = zipSync({
      "authors/documents.jsonl": strToU8('{"_id":"k1799xyzauthor","_creationTime":1700000000000.5,"name":"Zed"}\n'),
      "authors/generated_schema.jsonl": strToU8('"uniform"\n'),
      "messages/documents.jsonl": strToU8(
        '{"_id":"j5799xyzmessage","_creationTime":1700000000001.5,"body":"from the cloud","author":"k1799xyzauthor"}\n',
      ),
      "messages/generated_schema.jsonl": strToU8('"uniform"\n'),
    });
    await writeFile(path.join(out, "cloud.zip"), zip);
    expectSuccess(await runCli(app, server, ["import", "--append", path.join(out, "cloud.zip")]));
    const line = (await dataLines(server, "messages")).split("\n").find((l) => l.includes("from the cloud"))!;
    expect(line).toContain('"_creationTime": 1700000000001.5');
    const id = /"_id": "([^"]+)"/.exec(line)![1]!;
    expect(id).not.toBe("j5799xyzmessage");
    expect(await call(server, "query", "messages:withAuthor", { id })).toEqual({
      body: "from the cloud",
      author: "Zed",
    });
  });
});
