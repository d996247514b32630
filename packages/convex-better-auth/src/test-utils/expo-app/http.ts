import { httpRouter } from "convex/server";
import { authComponent, createAuth } from "./auth";

const http = httpRouter();

// CORS handling is required for Expo Web (and harmless for native requests,
// which send no Origin)
authComponent.registerRoutes(http, createAuth, { cors: true });

export default http;
