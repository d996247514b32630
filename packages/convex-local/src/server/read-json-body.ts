import type { IncomingMessage } from "node:http";
import { promisify } from "node:util";
import zlib from "node:zlib";
import { CodedError } from "../deploy/coded-error.ts";

const brotliDecompress = promisify(zlib.brotliDecompress);
const gunzip = promisify(zlib.gunzip);

/** Pushes of apps with big components reach a few MB; this leaves ample room. */
const MAX_BODY_BYTES = 256 * 1024 * 1024;

/**
 * Reads a request body, undoing `Content-Encoding: br` (the CLI compresses
 * every push body) or `gzip`.
 *
 * @example
 * ```ts
 * const bytes = await readBody(req);
 * ```
 */
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new CodedError("RequestTooLarge", `Request bodies are limited to ${MAX_BODY_BYTES} bytes.`, 413);
    chunks.push(chunk);
  }
  const raw = Buffer.concat(chunks);
  const encoding = String(req.headers["content-encoding"] ?? "").toLowerCase();
  try {
    if (encoding === "br") return await brotliDecompress(raw);
    if (encoding === "gzip") return await gunzip(raw);
  } catch {
    throw new CodedError("BadRequest", `Could not decode the ${encoding}-encoded request body.`);
  }
  return raw;
}

/**
 * Reads and parses a JSON body (empty body → `{}`).
 *
 * @example
 * ```ts
 * const body = await readJsonBody(req) as { changes: unknown };
 * ```
 */
export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const bytes = await readBody(req);
  if (bytes.length === 0) return {};
  try {
    return JSON.parse(bytes.toString("utf8"));
  } catch {
    throw new CodedError("BadJsonBody", "The request body is not valid JSON.");
  }
}
