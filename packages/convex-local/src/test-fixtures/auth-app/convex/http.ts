import { httpActionGeneric as httpAction, httpRouter, makeFunctionReference } from "convex/server";
import { ConvexError } from "convex/values";

const whoami = makeFunctionReference<"query">("identity:whoami");
const addNote = makeFunctionReference<"mutation">("notes:add");

const http = httpRouter();

http.route({
  path: "/hello",
  method: "GET",
  handler: httpAction(async (_ctx, request) =>
    Response.json({ url: request.url, method: request.method, header: request.headers.get("x-test") }),
  ),
});

http.route({
  pathPrefix: "/files/",
  method: "GET",
  handler: httpAction(async (_ctx, request) => new Response(`short prefix ${new URL(request.url).pathname}`)),
});

http.route({
  pathPrefix: "/files/deep/",
  method: "GET",
  handler: httpAction(async (_ctx, request) => new Response(`long prefix ${new URL(request.url).pathname}`)),
});

http.route({
  path: "/echo",
  method: "POST",
  handler: httpAction(
    async (_ctx, request) =>
      new Response(await request.text(), {
        status: 201,
        headers: {
          "content-type": request.headers.get("content-type") ?? "text/plain",
          "x-echo-method": request.method,
        },
      }),
  ),
});

http.route({
  path: "/cookies",
  method: "GET",
  handler: httpAction(async () => {
    const headers = new Headers({ "content-type": "text/plain" });
    headers.append("set-cookie", "a=1; Path=/");
    headers.append("set-cookie", "b=2; Path=/; HttpOnly");
    return new Response("cookies", { headers });
  }),
});

http.route({
  path: "/me",
  method: "GET",
  handler: httpAction(async (ctx) => {
    try {
      const identity = await ctx.auth.getUserIdentity();
      const viaQuery = await ctx.runQuery(whoami, {});
      return Response.json({ identity, viaQuery });
    } catch (error) {
      return Response.json({ error: (error as Error).message }, { status: 401 });
    }
  }),
});

http.route({
  path: "/notes",
  method: "POST",
  handler: httpAction(async (ctx, request) => {
    const id = await ctx.runMutation(addNote, { text: await request.text() });
    return Response.json({ id });
  }),
});

http.route({
  path: "/throw",
  method: "GET",
  handler: httpAction(async () => {
    throw new ConvexError({ why: "thrown" });
  }),
});

export default http;
