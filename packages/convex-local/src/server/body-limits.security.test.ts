/**
 * Request bodies are bounded on the wire and after decompression, over real
 * sockets: compression bombs get a 413 without being inflated, HTTP actions
 * read at most Convex's 20 MiB.
 *
 * Regression: `readBody` capped the compressed bytes only and then inflated
 * them whole, so a ~100 KB brotli body to any `/api/*` route asked for
 * gigabytes; HTTP actions could buffer any upload.
 */
import zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HTTP_ACTION_BODY_LIMIT } from "./create-site-handler.ts";
import { MAX_BODY_BYTES, MAX_FUNCTION_BODY_BYTES } from "./read-json-body.ts";
import { startHardeningApp, type HardeningAppSetup } from "../test-fixtures/start-hardening-app.ts";

const MiB = 1024 * 1024;

let setup: HardeningAppSetup;

beforeAll(async () => {
  setup = await startHardeningApp();
}, 180_000);

afterAll(async () => {
  await setup?.stop();
});

/** `mib` MiB of zeros through a compressor, without holding them in memory. */
async function compressZeros(compressor: zlib.Gzip | zlib.Deflate | zlib.BrotliCompress, mib: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  compressor.on("data", (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise((resolve) => compressor.on("end", resolve));
  const zeros = Buffer.alloc(MiB);
  for (let i = 0; i < mib; i += 1)
    if (!compressor.write(zeros)) await new Promise((resolve) => compressor.once("drain", resolve));
  compressor.end();
  await ended;
  return Buffer.concat(chunks);
}

/** 1 GiB of zeros as gzip members of 16 MiB each (gunzip reads concatenated members as one stream). */
function gzipBomb(): Buffer {
  const member = zlib.gzipSync(Buffer.alloc(16 * MiB), { level: 9 });
  return Buffer.concat(Array.from({ length: 64 }, () => member));
}

async function post(url: string, body: Uint8Array | ReadableStream<Uint8Array>, headers: Record<string, string>) {
  const response = await fetch(url, { method: "POST", headers, body, duplex: "half" } as RequestInit);
  return { status: response.status, body: await response.text() };
}

describe("the HTTP function API and the CLI's routes", () => {
  it("answer gzip, brotli and deflate bombs with 413 without inflating them", async () => {
    const bombs: [string, string, Buffer][] = [
      ["/api/query", "gzip", gzipBomb()],
      [
        "/api/action",
        "br",
        await compressZeros(zlib.createBrotliCompress({ params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 1 } }), 1024),
      ],
      ["/api/mutation", "deflate", await compressZeros(zlib.createDeflate({ level: 1 }), 512)],
    ];
    const before = process.memoryUsage().rss;
    for (const [route, encoding, bomb] of bombs) {
      expect(bomb.length).toBeLessThan(4 * MiB);
      const reply = await post(`${setup.server.cloudUrl}${route}`, bomb, {
        "content-type": "application/json",
        "content-encoding": encoding,
      });
      expect(reply.status, `${encoding} to ${route}`).toBe(413);
      expect(JSON.parse(reply.body)).toEqual({
        code: "RequestTooLarge",
        message: `Request bodies are limited to ${MAX_FUNCTION_BODY_BYTES} bytes (after decompression).`,
      });
    }
    // Inflating any one of them whole would take 512 MiB or more.
    expect(process.memoryUsage().rss - before).toBeLessThan(256 * MiB);
  });

  it("bound the admin routes too, after the admin key is checked", async () => {
    const bomb = await compressZeros(
      zlib.createBrotliCompress({ params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 1 } }),
      512,
    );
    const url = `${setup.server.cloudUrl}/api/update_environment_variables`;
    const headers = { "content-type": "application/json", "content-encoding": "br" };
    expect((await post(url, bomb, { ...headers, authorization: `Convex ${setup.server.adminKey}` })).status).toBe(413);
    expect((await post(url, bomb, { ...headers, authorization: "Convex wrong" })).status).toBe(401);
    expect(MAX_BODY_BYTES).toBeLessThan(512 * MiB);
  });

  it("refuse a declared length over the limit, and encodings they cannot decode", async () => {
    const tooLong = await post(`${setup.server.cloudUrl}/api/query`, new Uint8Array(MAX_FUNCTION_BODY_BYTES + 1), {
      "content-type": "application/json",
    });
    expect(tooLong.status).toBe(413);
    const zstd = await post(`${setup.server.cloudUrl}/api/query`, new Uint8Array(8), {
      "content-type": "application/json",
      "content-encoding": "zstd",
    });
    expect(zstd.status).toBe(415);
    expect(JSON.parse(zstd.body)).toMatchObject({ code: "UnsupportedContentEncoding" });
  });

  it("still decode compressed bodies within the limit", async () => {
    const body = JSON.stringify({ path: "slow:ping", args: {}, format: "json" });
    for (const [encoding, bytes] of [
      ["gzip", zlib.gzipSync(body)],
      ["br", zlib.brotliCompressSync(body)],
      ["deflate", zlib.deflateSync(body)],
    ] as const) {
      const reply = await post(`${setup.server.cloudUrl}/api/query`, bytes, {
        "content-type": "application/json",
        "content-encoding": encoding,
      });
      expect(JSON.parse(reply.body), encoding).toMatchObject({ status: "success", value: "pong" });
    }
  });
});

describe("HTTP actions", () => {
  const stream = (bytes: number) => {
    let sent = 0;
    return new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= bytes) return controller.close();
        const chunk = new Uint8Array(Math.min(MiB, bytes - sent));
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
  };

  it("get a 413 for a declared body over 20 MiB, before the action runs", async () => {
    const reply = await post(`${setup.server.siteUrl}/body-size`, new Uint8Array(HTTP_ACTION_BODY_LIMIT + 1), {});
    expect(reply.status).toBe(413);
    expect(reply.body).toContain(`${HTTP_ACTION_BODY_LIMIT} byte limit`);
  });

  it("read a streamed body up to 20 MiB, and past it the action's read fails", async () => {
    expect(await post(`${setup.server.siteUrl}/body-size`, stream(HTTP_ACTION_BODY_LIMIT), {})).toEqual({
      status: 200,
      body: JSON.stringify({ size: HTTP_ACTION_BODY_LIMIT }),
    });
    const over = await post(`${setup.server.cloudUrl}/http/body-size`, stream(HTTP_ACTION_BODY_LIMIT + MiB), {});
    expect(over.status).toBe(400);
    expect(JSON.parse(over.body)).toEqual({
      error: `The request body exceeds the ${HTTP_ACTION_BODY_LIMIT} byte limit of HTTP actions.`,
    });
  });
});
