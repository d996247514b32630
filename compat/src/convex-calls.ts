/**
 * The app's Convex functions, called like a client does: `ConvexHttpClient`
 * from the workspace's `convex`, authenticated with a JWT from
 * `/convex/token`. Every call is bounded.
 */
import { ConvexHttpClient } from "convex/browser";
import { anyApi } from "convex/server";

const CALL_TIMEOUT_MS = 30_000;

function bounded<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} did not answer in ${CALL_TIMEOUT_MS / 1000} s`)),
      CALL_TIMEOUT_MS,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Says which call failed: the client's error names neither the function nor its arguments. */
function named<T>(
  promise: Promise<T>,
  kind: string,
  path: string,
  args: Record<string, unknown>,
  token: string | undefined,
): Promise<T> {
  return promise.catch((error: Error) => {
    throw new Error(
      `${kind} ${path}(${JSON.stringify(args)})${token === undefined ? "" : " with a JWT"} failed: ${error.message}`,
      { cause: error },
    );
  });
}

function client(cloudUrl: string, token: string | undefined): ConvexHttpClient {
  const http = new ConvexHttpClient(cloudUrl, { logger: false });
  if (token !== undefined) http.setAuth(token);
  return http;
}

/** Function reference from "module:name". */
function ref(path: string) {
  const [module, name] = path.split(":") as [string, string];
  return anyApi[module]![name]!;
}

/**
 * Runs the query `path` ("module:name") with `token` as the caller.
 *
 * @example
 * const user = await runQuery(server.cloudUrl, "auth:getCurrentUser", {}, token);
 */
export function runQuery(
  cloudUrl: string,
  path: string,
  args: Record<string, unknown>,
  token?: string,
): Promise<unknown> {
  return named(bounded(client(cloudUrl, token).query(ref(path), args), `query ${path}`), "query", path, args, token);
}

/** Runs the mutation `path` ("module:name") with `token` as the caller. */
export function runMutation(
  cloudUrl: string,
  path: string,
  args: Record<string, unknown>,
  token?: string,
): Promise<unknown> {
  return named(
    bounded(client(cloudUrl, token).mutation(ref(path), args), `mutation ${path}`),
    "mutation",
    path,
    args,
    token,
  );
}
