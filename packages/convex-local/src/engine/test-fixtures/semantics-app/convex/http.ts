import { httpActionGeneric as httpAction, httpRouter } from "convex/server";

const http = httpRouter();

http.route({
  path: "/fail",
  method: "GET",
  handler: httpAction(async () => {
    throw new Error("http failure");
  }),
});

export default http;
