import { httpActionGeneric as httpAction, httpRouter } from "convex/server";
import { authComponent, createAuth } from "./auth";

const http = httpRouter();

// Better Auth's routes with the library's CORS handling (trusted origin: SITE_URL).
authComponent.registerRoutes(http, createAuth, { cors: true });

http.route({
  path: "/env",
  method: "GET",
  handler: httpAction(async () => Response.json({ ...process.env })),
});

http.route({
  path: "/slow",
  method: "GET",
  handler: httpAction(async (_ctx, request) => {
    const ms = Number(new URL(request.url).searchParams.get("ms") ?? "50");
    await new Promise((resolve) => setTimeout(resolve, ms));
    return new Response("done");
  }),
});

/** Reads the whole body; a read the server cut off answers 400 with the reason. */
http.route({
  path: "/body-size",
  method: "POST",
  handler: httpAction(async (_ctx, request) => {
    try {
      return Response.json({ size: (await request.arrayBuffer()).byteLength });
    } catch (error) {
      return Response.json({ error: String((error as Error)?.message ?? error) }, { status: 400 });
    }
  }),
});

export default http;
