import type { IncomingMessage } from "node:http";
import { promisify } from "node:util";
import zlib from "node:zlib";
import { CodedError } from "../deploy/coded-error.ts";

const DECODERS: Record<string, (bytes: Buffer, options: zlib.ZlibOptions & zlib.BrotliOptions) => Promise<Buffer>> = {
  br: promisify(zlib.brotliDecompress),
  gzip: promisify(zlib.gunzip),
  "x-gzip": promisify(zlib.gunzip),
  deflate: promisify(zlib.inflate),
};

/** Pushes of apps with big components reach a few MB; this leaves ample room. */
export const MAX_BODY_BYTES = 256 * 1024 * 1024;

/** Convex's limit on a function's arguments: what a client's call to the HTTP function API may carry. */
export const MAX_FUNCTION_BODY_BYTES = 16 * 1024 * 1024;

/** Options of {@link readBody}. */
export type ReadBodyOptions = {
  /** The most bytes accepted, before and after decoding. @default MAX_BODY_BYTES */
  maxBytes?: number;
};

function tooLarge(maxBytes: number): CodedError {
  return new CodedError(
    "RequestTooLarge",
    `Request bodies are limited to ${maxBytes} bytes (after decompression).`,
    413,
  );
}

/**
 * Reads a request body, undoing `Content-Encoding: br` (the CLI compresses
 * every push body), `gzip` or `deflate`. The limit holds for the bytes on the
 * wire and again for the decoded bytes: a few kilobytes of compressed zeros
 * that expand to gigabytes get a 413 as soon as the output passes the limit,
 * without the rest ever being allocated. Other encodings get a 415.
 *
 * @example
 * ```ts
 * const bytes = await readBody(req, { maxBytes: MAX_FUNCTION_BODY_BYTES });
 * ```
 */
export async function readBody(req: IncomingMessage, options: ReadBodyOptions = {}): Promise<Buffer> {
  const maxBytes = options.maxBytes ?? MAX_BODY_BYTES;
  const encoding = String(req.headers["content-encoding"] ?? "")
    .trim()
    .toLowerCase();
  const decode = encoding === "" || encoding === "identity" ? null : DECODERS[encoding];
  if (decode === undefined) {
    throw new CodedError(
      "UnsupportedContentEncoding",
      `Content-Encoding ${JSON.stringify(encoding)} is not supported; use br, gzip or deflate.`,
      415,
    );
  }
  if (Number(req.headers["content-length"] ?? 0) > maxBytes) throw tooLarge(maxBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw tooLarge(maxBytes);
    chunks.push(chunk);
  }
  const raw = Buffer.concat(chunks);
  if (decode === null) return raw;
  try {
    return await decode(raw, { maxOutputLength: maxBytes });
  } catch (error) {
    if ((error as { code?: unknown })?.code === "ERR_BUFFER_TOO_LARGE") throw tooLarge(maxBytes);
    throw new CodedError("BadRequest", `Could not decode the ${encoding}-encoded request body.`);
  }
}

/**
 * Reads and parses a JSON body (empty body → `{}`), with {@link readBody}'s limits.
 *
 * @example
 * ```ts
 * const body = await readJsonBody(req) as { changes: unknown };
 * ```
 */
export async function readJsonBody(req: IncomingMessage, options: ReadBodyOptions = {}): Promise<unknown> {
  const bytes = await readBody(req, options);
  if (bytes.length === 0) return {};
  try {
    return JSON.parse(bytes.toString("utf8"));
  } catch {
    throw new CodedError("BadJsonBody", "The request body is not valid JSON.");
  }
}
