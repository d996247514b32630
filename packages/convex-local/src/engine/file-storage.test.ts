/**
 * File storage end to end, through the real clients and plain `fetch`
 * against the URLs the functions hand out. convex-test answered
 * `https://some-deployment.convex.cloud/...` placeholders that nothing
 * served, had no `storage.getMetadata`, ignored `store(blob, { sha256 })`
 * and deleted a missing file without complaint.
 */
import { createHash } from "node:crypto";
import { ConvexClient, ConvexHttpClient } from "convex/browser";
import { anyApi } from "convex/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startConvexLocal, type ConvexLocal } from "../server/start-convex-local.ts";
import { copyFixtureApp, dataDirIn, makeScratchDir, pushOnce } from "../test-fixtures/cli-harness.ts";
import { createStorageUrls, newStorageSecret, UPLOAD_URL_VALIDITY_MS } from "./storage-urls.ts";

const api = anyApi;
/** A small `maxUploadBytes`, so the bound is reached without big buffers. */
const MAX_UPLOAD = 64 * 1024;
const UUID_URL = /\/api\/storage\/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let scratch: { dir: string; cleanup(): Promise<void> };
let server: ConvexLocal;
let client: ConvexHttpClient;

const sha256 = (text: string) => createHash("sha256").update(text).digest("base64");

async function failureOf(call: Promise<unknown>): Promise<string> {
  try {
    const value = await call;
    throw new Error(`expected the call to fail, it returned ${JSON.stringify(value)}`);
  } catch (error) {
    return (error as Error).message;
  }
}

async function upload(body: string, headers: Record<string, string> = {}): Promise<Response> {
  const uploadUrl = (await client.mutation(api.files.generateUploadUrl, {})) as string;
  return await fetch(uploadUrl, { method: "POST", headers, body });
}

async function uploaded(body: string, contentType = "text/plain"): Promise<string> {
  const response = await upload(body, { "content-type": contentType });
  expect(response.status).toBe(200);
  return ((await response.json()) as { storageId: string }).storageId;
}

async function startServer(adminKey?: string): Promise<ConvexLocal> {
  const dataDir = dataDirIn(scratch.dir);
  return await startConvexLocal({
    port: 0,
    sitePort: 0,
    dataDir,
    maxUploadBytes: MAX_UPLOAD,
    ...(adminKey ? { adminKey } : {}),
  });
}

beforeAll(async () => {
  scratch = await makeScratchDir();
  const appDir = await copyFixtureApp("../engine/test-fixtures/semantics-app", scratch.dir);
  server = await startServer();
  await pushOnce(appDir, server);
  client = new ConvexHttpClient(server.cloudUrl, { logger: false });
});

afterAll(async () => {
  await server?.stop();
  await scratch?.cleanup();
});

describe("uploads through generateUploadUrl", () => {
  it("hands out an upload URL on the deployment's own origin and stores the POSTed body", async () => {
    const uploadUrl = (await client.mutation(api.files.generateUploadUrl, {})) as string;
    expect(uploadUrl.startsWith(`${server.cloudUrl}/api/storage/upload?token=`)).toBe(true);
    const response = await fetch(uploadUrl, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "hello",
    });
    expect(response.status).toBe(200);
    const { storageId } = (await response.json()) as { storageId: string };
    expect(await client.query(api.files.metadata, { id: storageId })).toEqual({
      _id: storageId,
      _creationTime: expect.any(Number),
      sha256: sha256("hello"),
      size: 5,
      contentType: "text/plain",
    });
    expect(await client.action(api.files.readText, { id: storageId })).toBe("hello");
  });

  it("answers StorageTokenInvalid for a missing, malformed or forged token", async () => {
    const good = (await client.mutation(api.files.generateUploadUrl, {})) as string;
    const forged = good.replace(
      /token=([^.]+)\.(.)/,
      (_, payload: string, first: string) => `token=${payload}.${first === "A" ? "B" : "A"}`,
    );
    for (const url of [
      `${server.cloudUrl}/api/storage/upload`,
      `${server.cloudUrl}/api/storage/upload?token=nope`,
      forged,
    ]) {
      const response = await fetch(url, { method: "POST", body: "x" });
      expect(response.status, url).toBe(401);
      expect(await response.json()).toEqual({
        code: "StorageTokenInvalid",
        message: "Couldn't decode the StoreFileAuthorization token",
      });
    }
  });

  it("checks the Digest header: a match stores, a mismatch is Sha256Mismatch, garbage is BadHeader", async () => {
    expect((await upload("digest me", { digest: `sha-256=${sha256("digest me")}` })).status).toBe(200);
    const mismatch = await upload("digest me", { digest: `sha-256=${sha256("something else")}` });
    expect(mismatch.status).toBe(400);
    expect(await mismatch.json()).toEqual({
      code: "Sha256Mismatch",
      message: `Sha256 mismatch. Expected: ${sha256("something else")} Actual: ${sha256("digest me")}`,
    });
    const garbage = await upload("digest me", { digest: "md5=abc" });
    expect(garbage.status).toBe(400);
    expect(((await garbage.json()) as { code: string }).code).toBe("BadHeader");
  });

  it("stores an empty file", async () => {
    const id = await uploaded("", "application/octet-stream");
    expect(await client.query(api.files.metadata, { id })).toMatchObject({ size: 0, sha256: sha256("") });
    const response = await fetch((await client.query(api.files.url, { id })) as string);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-length")).toBe("0");
    expect(await response.text()).toBe("");
  });

  it("a subscribed ConvexClient sees the upload", async () => {
    const watcher = new ConvexClient(server.cloudUrl, {
      webSocketConstructor: globalThis.WebSocket,
      unsavedChangesWarning: false,
    });
    try {
      const sizes: number[][] = [];
      watcher.onUpdate(api.files.list, {}, (files: { size: number }[]) => sizes.push(files.map((file) => file.size)));
      await expect.poll(() => sizes.length).toBeGreaterThan(0);
      const before = sizes.at(-1)!.length;
      await uploaded("seen by a subscriber");
      await expect.poll(() => sizes.at(-1)!.length).toBe(before + 1);
    } finally {
      await watcher.close();
    }
  });
});

describe("serving files from getUrl", () => {
  it("serves the bytes with Digest, Content-Type, Content-Length and caching, and byte ranges", async () => {
    const id = await uploaded("hello world", "text/plain;charset=utf-8");
    const url = (await client.query(api.files.url, { id })) as string;
    expect(url.startsWith(`${server.cloudUrl}/api/storage/`)).toBe(true);
    expect(url).toMatch(UUID_URL);
    expect(await client.action(api.files.urlFromAction, { id }), "one file, one URL").toBe(url);

    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("hello world");
    expect(Object.fromEntries(response.headers)).toMatchObject({
      "content-type": "text/plain;charset=utf-8",
      "content-length": "11",
      digest: `sha-256=${sha256("hello world")}`,
      "cache-control": "private, max-age=2592000",
      "accept-ranges": "bytes",
    });

    const part = await fetch(url, { headers: { range: "bytes=6-" } });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe("bytes 6-10/11");
    expect(await part.text()).toBe("world");
    expect((await fetch(url, { headers: { range: "bytes=50-60" } })).status).toBe(416);
  });

  it("answers InvalidStoragePath for a path that is not a file uuid and FileNotFound for an unknown one", async () => {
    const bad = await fetch(`${server.cloudUrl}/api/storage/not-a-uuid`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { code: string }).code).toBe("InvalidStoragePath");
    const unknown = await fetch(`${server.cloudUrl}/api/storage/00000000-0000-4000-8000-000000000000`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({
      code: "FileNotFound",
      message: "File 00000000-0000-4000-8000-000000000000 not found",
    });
  });
});

describe("storage functions", () => {
  it("storage.getMetadata in an action gives the hex digest, size and content type", async () => {
    const id = (await client.action(api.files.storeText, { text: "abc", contentType: "text/csv" })) as string;
    expect(await client.action(api.files.metadataFromAction, { id })).toEqual({
      storageId: id,
      sha256: createHash("sha256").update("abc").digest("hex"),
      size: 3,
      contentType: "text/csv",
    });
  });

  it("store(blob, { sha256 }) checks the digest; a failed store fails only that call", async () => {
    expect(await failureOf(client.action(api.files.storeWithDigest, { text: "abc", sha256: sha256("abd") }))).toContain(
      `Uncaught Error: Sha256 mismatch. Expected: ${sha256("abd")} Actual: ${sha256("abc")}`,
    );
    const id = (await client.action(api.files.storeWithDigest, { text: "abc", sha256: sha256("abc") })) as string;
    expect(await client.action(api.files.readText, { id })).toBe("abc");
  });

  it("a deleted file is gone everywhere, and deleting it again throws the backend's message", async () => {
    for (const from of ["mutation", "action"]) {
      const id = await uploaded("short-lived");
      const url = (await client.query(api.files.url, { id })) as string;
      if (from === "mutation") await client.mutation(api.files.remove, { id });
      else await client.action(api.files.removeFromAction, { id });
      expect(await client.query(api.files.url, { id })).toBeNull();
      expect(await client.query(api.files.metadata, { id })).toBeNull();
      expect(await client.action(api.files.metadataFromAction, { id })).toBeNull();
      expect(await client.action(api.files.readText, { id })).toBeNull();
      expect((await fetch(url)).status).toBe(404);
      expect(await failureOf(client.mutation(api.files.remove, { id }))).toContain(
        `Uncaught Error: storage id ${id} not found`,
      );
    }
  });

  it("files and their URLs survive a restart", async () => {
    const id = await uploaded("durable");
    const before = new URL((await client.query(api.files.url, { id })) as string);
    await server.stop();
    server = await startServer(server.adminKey);
    client = new ConvexHttpClient(server.cloudUrl, { logger: false });
    const after = new URL((await client.query(api.files.url, { id })) as string);
    expect(after.pathname).toBe(before.pathname);
    expect(await (await fetch(after)).text()).toBe("durable");
  });
});

describe("createStorageUrls", () => {
  it("expires upload tokens after an hour, with the backend's StorageTokenExpired", () => {
    let now = 1_000_000;
    const urls = createStorageUrls("http://127.0.0.1:3210/", newStorageSecret(), () => now);
    const token = new URL(urls.uploadUrl("counter")).searchParams.get("token");
    expect(urls.verifyUploadToken(token)).toBe("counter");
    now += UPLOAD_URL_VALIDITY_MS;
    expect(() => urls.verifyUploadToken(token)).toThrow(
      expect.objectContaining({ code: "StorageTokenExpired", status: 401 }),
    );
    expect(urls.fileUrl("counter", "10001_storage")).toMatch(
      /^http:\/\/127\.0\.0\.1:3210\/api\/storage\/[0-9a-f-]{36}\?component=counter$/,
    );
  });
});

describe("the upload size bound (maxUploadBytes)", () => {
  // Regression: an upload was read into memory whole, however large; Convex sets no size limit
  // (only a 2 minute timeout), but convex-local holds files in memory.
  const tooLarge = {
    code: "StorageUploadTooLarge",
    message: `File uploads are limited to ${MAX_UPLOAD} bytes on convex-local (\`--max-upload-bytes\`).`,
  };

  it("stores a file of exactly the bound", async () => {
    const storageId = await uploaded("x".repeat(MAX_UPLOAD));
    expect(await client.query(api.files.metadata, { id: storageId })).toMatchObject({ size: MAX_UPLOAD });
  });

  it("answers 413 StorageUploadTooLarge for a Content-Length past the bound, storing nothing", async () => {
    const before = ((await client.query(api.files.list, {})) as unknown[]).length;
    const response = await upload("x".repeat(MAX_UPLOAD + 1));
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual(tooLarge);
    expect(((await client.query(api.files.list, {})) as unknown[]).length).toBe(before);
  });

  it("answers 413 for a body without Content-Length that streams past the bound, and the next upload works", async () => {
    const uploadUrl = (await client.mutation(api.files.generateUploadUrl, {})) as string;
    const chunk = new Uint8Array(16 * 1024).fill(120);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        // Four times the bound: the server stops reading long before the end.
        if (sent >= 4 * MAX_UPLOAD) return controller.close();
        sent += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const response = await fetch(uploadUrl, { method: "POST", body, duplex: "half" } as RequestInit);
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual(tooLarge);
    expect(await client.action(api.files.readText, { id: await uploaded("after") })).toBe("after");
  });
});
