import { httpRouter } from "convex/server";
import { fromHttpAction } from "./identity";

const http = httpRouter();
http.route({ path: "/whoami", method: "GET", handler: fromHttpAction });

export default http;
