"use node";
import net from "node:net";
import { actionGeneric as action } from "convex/server";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Throws from a timer callback: an uncaught exception, outside the action's promise chain. */
export const throwInTimer = action({
  args: {},
  handler: async () => {
    setTimeout(() => {
      throw new Error("thrown in a timer");
    }, 0);
    await sleep(1_000);
    return "finished";
  },
});

/** Leaves a rejected promise without a handler. */
export const rejectUnhandled = action({
  args: {},
  handler: async () => {
    void Promise.reject(new Error("nobody handles this"));
    await sleep(1_000);
    return "finished";
  },
});

/** A socket without an `error` listener: its error event is thrown as an uncaught exception. */
export const socketError = action({
  args: {},
  handler: async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as net.AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    net.connect(port, "127.0.0.1");
    await sleep(1_000);
    return "finished";
  },
});

/** Never settles: only the action timeout ends it. */
export const hang = action({
  args: {},
  handler: async () => {
    await new Promise(() => {});
  },
});

export const ok = action({ args: {}, handler: async () => "ok" });

/** `process.exit()` ends the call on Convex (Node's executor replaces its process), not the backend. */
export const exitProcess = action({
  args: {},
  handler: async () => {
    process.exit(3);
  },
});
