import type { Server } from "node:http";

/**
 * Starts listening on 127.0.0.1 and resolves with the bound port (port 0
 * picks a free one).
 *
 * @example
 * ```ts
 * const port = await listen(server, 0);
 * ```
 */
export function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once("error", onError);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", onError);
      const address = server.address();
      resolve(typeof address === "object" && address !== null ? address.port : port);
    });
  });
}

/**
 * Stops accepting connections and ends open ones (long polls, keep-alive
 * sockets), so shutdown never waits on idle clients.
 *
 * @example
 * ```ts
 * await closeServer(server);
 * ```
 */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
