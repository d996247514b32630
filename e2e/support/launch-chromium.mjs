/**
 * Starts the machine's Chromium (Debian's `/usr/bin/chromium`, or
 * `CHROMIUM_PATH`) through playwright-core, which ships no browser of its own.
 */
import { chromium } from "playwright-core";

const CHROMIUM_PATH = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

// --no-sandbox: test machines and containers often run as root, where Chromium's sandbox refuses to
// start. The rest keep Chromium from calling home or updating itself, which a loopback test has no
// use for and which would only add noise or flakiness.
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * @returns {Promise<import("playwright-core").Browser>} a headless Chromium; close it when done
 *
 * @example
 * ```js
 * const browser = await launchChromium();
 * try {
 *   const page = await browser.newPage();
 *   await page.goto(stack.appUrl);
 * } finally {
 *   await browser.close();
 * }
 * ```
 */
export async function launchChromium() {
  return await chromium.launch({ executablePath: CHROMIUM_PATH, args: ARGS });
}
