export { startConvexLocal, CONVEX_LOCAL_VERSION } from "./server/start-convex-local.ts";
export type { ConvexLocal, ConvexLocalOptions } from "./server/start-convex-local.ts";
export type { Engine, EngineOptions, AppDeployment } from "./engine/types.ts";
