import { httpActionGeneric as httpAction, httpRouter } from "convex/server";

const http = httpRouter();
http.route({
  path: "/hello",
  method: "GET",
  handler: httpAction(async () => new Response("hello from http.ts")),
});

export default http;
