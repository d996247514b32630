/**
 * Child process of the kill -9 test: opens the engine on a data dir, deploys
 * the fixture app described in a JSON file, then runs `pairs:insertPair`
 * mutations one after another and prints `ack <n> <id>` as soon as each
 * `run()` resolves. Usage: `node insert-burst.ts <dataDir> <app.json> <count>`.
 */
import { readFileSync } from "node:fs";
import { createEngine } from "../create-engine.ts";
import type { AppDeployment } from "../types.ts";

const [dataDir, appFile, countText] = process.argv.slice(2);
if (dataDir === undefined || appFile === undefined)
  throw new Error("usage: insert-burst.ts <dataDir> <app.json> <count>");
const app = JSON.parse(readFileSync(appFile, "utf8")) as AppDeployment;
const engine = await createEngine({ dataDir, cloudUrl: "http://127.0.0.1:3210", siteUrl: "http://127.0.0.1:3211" });
await engine.deploy(app);
process.stdout.write("ready\n");
for (let n = 0; n < Number(countText ?? "200"); n++) {
  const result = await engine.run({
    componentPath: "",
    udfPath: "pairs:insertPair",
    args: { n },
    caller: { kind: "anonymous" },
  });
  if (result.status !== "success") throw new Error(result.errorMessage);
  process.stdout.write(`ack ${n} ${String(result.value)}\n`);
}
process.stdout.write("done\n");
await engine.close();
