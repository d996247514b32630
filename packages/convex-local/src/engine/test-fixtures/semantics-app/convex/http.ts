import { httpActionGeneric as httpAction, httpRouter } from "convex/server";

const http = httpRouter();

http.route({
  path: "/fail",
  method: "GET",
  handler: httpAction(async () => {
    throw new Error("http failure");
  }),
});

http.route({
  path: "/hang",
  method: "GET",
  handler: httpAction(async () => await new Promise<Response>(() => {})),
});

/** Holds its execution slot for `?ms=`. */
http.route({
  path: "/sleep",
  method: "GET",
  handler: httpAction(async (_ctx, request) => {
    const ms = Number(new URL(request.url).searchParams.get("ms") ?? 0);
    await new Promise((resolve) => setTimeout(resolve, ms));
    return new Response(String(ms));
  }),
});

http.route({
  path: "/ok",
  method: "GET",
  handler: httpAction(async () => new Response("ok")),
});

export default http;
