import { existsSync } from "node:fs";
import { mkdir, readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dataDirIn, makeScratchDir, startTestServer } from "../test-fixtures/cli-harness.ts";
import { resetDataDir } from "./reset-data-dir.ts";

let scratch: { dir: string; cleanup(): Promise<void> };

beforeAll(async () => {
  scratch = await makeScratchDir();
});

afterAll(async () => {
  await scratch?.cleanup();
});

describe("resetDataDir", () => {
  it("deletes what convex-local created and keeps the files a user put there", async () => {
    const dataDir = dataDirIn(scratch.dir);
    const server = await startTestServer(dataDir);
    await server.stop();
    await writeFile(path.join(dataDir, "notes.txt"), "mine");
    await mkdir(path.join(dataDir, "backups"));
    await writeFile(path.join(dataDir, "backups", "deploy.sqlite"), "a user's copy");
    const created = (await readdir(dataDir)).filter((entry) => entry !== "notes.txt" && entry !== "backups");
    expect(created).toEqual(expect.arrayContaining(["deploy.sqlite", "engine.sqlite", "modules"]));

    const outcome = await resetDataDir(dataDir);
    expect(outcome).toEqual({ removed: created.sort(), kept: ["backups", "notes.txt"], removedDir: false });
    expect((await readdir(dataDir)).sort()).toEqual(["backups", "notes.txt"]);
    expect(await readdir(path.join(dataDir, "backups"))).toEqual(["deploy.sqlite"]);
  });

  it("deletes the directory when it held only convex-local's files", async () => {
    const dataDir = path.join(scratch.dir, "node_modules", "only-ours");
    const server = await startTestServer(dataDir);
    await server.stop();
    expect(await resetDataDir(dataDir)).toMatchObject({ kept: [], removedDir: true });
    expect(existsSync(dataDir)).toBe(false);
  });

  it("refuses a directory that is not a data dir and leaves it alone", async () => {
    const other = path.join(scratch.dir, "not-a-data-dir");
    await mkdir(path.join(other, "modules"), { recursive: true });
    await writeFile(path.join(other, "staging"), "a user's file with an unlucky name");
    await expect(resetDataDir(other)).rejects.toMatchObject({ code: "NotADataDir" });
    expect((await readdir(other)).sort()).toEqual(["modules", "staging"]);
  });

  it("does nothing for a directory that does not exist", async () => {
    expect(await resetDataDir(path.join(scratch.dir, "missing"))).toBeNull();
  });
});
