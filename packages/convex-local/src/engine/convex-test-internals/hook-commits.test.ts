/**
 * Pins what the commit hook sees of convex-test's top-level commits.
 */
import { describe, expect, test } from "vitest";
import { newInstance, root, type Ctx } from "../test-fixtures/convex-test-internals-app.ts";
import { fileDigest } from "./file-digest.ts";
import { functionHandle } from "./function-handle.ts";
import { hookCommits, type CommittedTransaction } from "./hook-commits.ts";
import type { InternalDocument } from "./types.ts";

describe("convex-test internals convex-local relies on", () => {
  test("the commit hook sees each top-level commit once, with nested component writes in it", async () => {
    const instance = newInstance();
    const commits: CommittedTransaction[] = [];
    hookCommits(instance.global.transactionManager, (commit) => commits.push(commit));
    await instance.t.mutation(functionHandle("", "fns:addEverywhere"), {});
    expect(commits).toHaveLength(1);
    const [commit] = commits;
    expect(commit!.ts).toBe(instance.global.transactionManager._lastCommitTs);
    const byComponent = Object.fromEntries(commit!.components.map((c) => [c.componentPath, c]));
    expect(byComponent[""]?.documents.map((d) => [d.tableName, (d.document as InternalDocument).text])).toEqual([
      ["notes", "root"],
    ]);
    expect(byComponent["comp"]?.documents.map((d) => [d.tableName, (d.document as InternalDocument).n])).toEqual([
      ["items", 1],
    ]);
    expect(byComponent["comp"]?.nextDocId).toBe(instance.global.components.comp!.db._nextDocId);
  });

  test("the commit hook reports deletes as null, previous versions, and no rolled-back transaction", async () => {
    const instance = newInstance();
    const commits: CommittedTransaction[] = [];
    const id = (await instance.t.mutation(functionHandle("", "fns:add"), { text: "x" })) as string;
    hookCommits(instance.global.transactionManager, (commit) => commits.push(commit));
    await expect(instance.t.mutation(functionHandle("", "fns:failAfterWrite"), {})).rejects.toThrow("rolled back");
    await instance.t.query(functionHandle("", "fns:list"), {});
    expect(commits, "queries and failed mutations commit nothing").toHaveLength(0);
    await instance.t.runInComponent("", async () => {
      root(instance).patch("notes", id, { text: "y" });
    });
    await (instance.t as unknown as { run(f: (ctx: Ctx) => Promise<void>): Promise<void> }).run(async (ctx) => {
      await ctx.db.delete(id as never);
    });
    expect(commits.map((c) => c.components[0]!.documents[0]!.document?.text ?? null)).toEqual(["y", null]);
    // The versions before each commit (read-set-tracking.ts matches both against index ranges).
    expect(commits.map((c) => c.components[0]!.documents[0]!.previous?.text ?? null)).toEqual(["x", "y"]);
  });

  test("the commit hook reports stored files, whose _storage sha256 is fileDigest of their bytes", async () => {
    const instance = newInstance();
    const commits: CommittedTransaction[] = [];
    hookCommits(instance.global.transactionManager, (commit) => commits.push(commit));
    const id = (await instance.t.action(functionHandle("", "fns:storeFile"), {})) as string;
    expect(commits).toHaveLength(1);
    const [component] = commits[0]!.components;
    expect(component!.files.map((file) => file.id)).toEqual([id]);
    expect(await component!.files[0]!.blob.text()).toBe("file bytes");
    expect(component!.documents[0]!.document).toMatchObject({
      _id: id,
      sha256: fileDigest(new TextEncoder().encode("file bytes")),
      contentType: "text/plain",
    });
  });

  test("a listener that throws refuses the commit: documents, table ids and files are as before it", async () => {
    const instance = newInstance();
    const keep = (await instance.t.mutation(functionHandle("", "fns:add"), { text: "keep" })) as string;
    const fileId = (await instance.t.action(functionHandle("", "fns:storeFile"), {})) as string;
    const db = root(instance);
    const before = {
      documents: { ...db._documents },
      notes: [...db._tableIds.get("notes")!],
      storage: { ...db._storage },
    };
    hookCommits(instance.global.transactionManager, () => {
      throw new Error("disk full");
    });
    await (instance.t as unknown as { run(f: (ctx: Ctx) => Promise<void>): Promise<void> }).run(async (ctx) => {
      await ctx.db.insert("notes", { text: "lost" });
      await ctx.db.patch(keep as never, { text: "changed" });
      await ctx.storage.delete(fileId as never);
    });
    expect(db._documents).toEqual(before.documents);
    expect([...db._tableIds.get("notes")!]).toEqual(before.notes);
    expect(db._storage).toEqual(before.storage);
    expect(await db._storage[fileId]!.text()).toBe("file bytes");
  });
});
