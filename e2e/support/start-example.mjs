/**
 * Starts everything an example's browser test drives and watches: a loopback
 * OpenID Connect provider, the example's stack (stack.mjs) configured to sign
 * in through it, the Convex function log (`npx convex logs`) and a watched
 * Chromium, with the clean-log checks over all of them.
 */
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { REPO, startStack } from "../stack.mjs";
import { cleanLogs } from "./clean-logs.mjs";
import { tailConvexLogs } from "./convex-logs.mjs";
import { launchChromium } from "./launch-chromium.mjs";
import { startOAuthMockProvider } from "./oauth-mock-provider.mjs";
import { watchBrowser } from "./watch-browser.mjs";

/** The provider's label on the app's "Sign in with …" button. */
const PROVIDER_NAME = "Mock OIDC";

/**
 * @param {{
 *   example: "next" | "react" | "tanstack",
 *   env?: Record<string, string>,
 *   oauthEnv?: "start" | "convex env set",
 *   timeout?: number,
 *   navigationTimeout?: number,
 * }} options
 *   `env`: more environment for `npm start` (e.g. `START_MODE`); `oauthEnv`: how the
 *   deployment gets `OAUTH_*`: copied by `npm start` (the examples that list them as
 *   `convexEnv`), or with `npx convex env set` once it runs, as a developer does;
 *   `timeout`, `navigationTimeout`: the browser's default waits (watchBrowser).
 * @returns {Promise<{
 *   provider: Awaited<ReturnType<typeof startOAuthMockProvider>>,
 *   providerName: string,
 *   stack: Awaited<ReturnType<typeof startStack>>,
 *   browser: ReturnType<typeof watchBrowser>,
 *   logs: ReturnType<typeof cleanLogs>,
 *   stop: () => Promise<void>,
 * }>} `stop()` closes the browser and stops the log tail, the stack and the provider
 *
 * @example
 * ```js
 * let example;
 * before(async () => (example = await startExample({ example: "react" })));
 * after(() => example?.stop());
 * test("signs in", async () => {
 *   const page = await (await example.browser.newContext()).newPage();
 *   await page.goto("/");
 *   await page.getByRole("button", { name: `Sign in with ${example.providerName}` }).click();
 * });
 * ```
 */
export async function startExample({ example, env = {}, oauthEnv = "start", timeout, navigationTimeout }) {
  const started = [];
  const stop = async () => {
    for (const part of [...started].reverse()) await part.stop();
  };
  try {
    const provider = await startOAuthMockProvider({ user: { name: "Grace Hopper" } });
    started.push(provider);
    // The deployment's OpenID Connect provider (each example's convex/auth.ts reads these).
    const oauth = {
      OAUTH_ISSUER: provider.issuer,
      OAUTH_CLIENT_ID: provider.clientId,
      OAUTH_CLIENT_SECRET: provider.clientSecret,
      OAUTH_PROVIDER_NAME: PROVIDER_NAME,
    };
    const stack = await startStack({ example, env: { ...env, ...(oauthEnv === "start" ? oauth : {}) } });
    started.push(stack);
    if (oauthEnv === "convex env set") {
      for (const [name, value] of Object.entries(oauth)) await convexEnvSet(stack, example, name, value);
    }
    const convexLogs = await tailConvexLogs({
      cloudUrl: stack.cloudUrl,
      adminKey: stack.adminKey,
      cwd: `examples/${example}`,
    });
    started.push(convexLogs);
    const browser = watchBrowser(await launchChromium(), { baseURL: stack.appUrl, timeout, navigationTimeout });
    started.push({ stop: () => browser.close() });
    const logs = cleanLogs({ stack, convexLogs, browser });
    return { provider, providerName: PROVIDER_NAME, stack, browser, logs, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** `npx convex env set`, as a developer configures the deployment. */
async function convexEnvSet(stack, example, name, value) {
  const env = { ...process.env, CONVEX_SELF_HOSTED_URL: stack.cloudUrl, CONVEX_SELF_HOSTED_ADMIN_KEY: stack.adminKey };
  delete env.CONVEX_DEPLOYMENT;
  delete env.CONVEX_DEPLOY_KEY;
  await promisify(execFile)(
    process.execPath,
    [path.join(REPO, "node_modules/convex/bin/main.js"), "env", "set", name, value],
    {
      cwd: path.join(REPO, "examples", example),
      env,
    },
  );
}
