/**
 * Watches what a test's browser contexts do: every request URL (for the "no
 * credentials in URLs" check), console errors and warnings, uncaught page
 * errors and 5xx responses. `cleanLogs` (clean-logs.mjs) asserts on them.
 */

/**
 * A console problem: a console error or warning, an uncaught page error, or
 * a response with a 5xx status.
 * @typedef {{ type: string, text: string, url?: string }} BrowserProblem
 */

/**
 * @param {import("playwright-core").Browser} browser e.g. from `launchChromium()`
 * @param {{ baseURL: string, timeout?: number, navigationTimeout?: number }} options
 *   `baseURL`: the app, for relative `goto`s; `timeout` and `navigationTimeout`:
 *   the contexts' default waits (a dev server compiling pages on first use needs more).
 * @returns {{
 *   newContext: (options?: import("playwright-core").BrowserContextOptions) => Promise<import("playwright-core").BrowserContext>,
 *   close: () => Promise<void>,
 *   requestUrls: string[],
 *   allowFailedLoad: (url: string, status?: number) => () => void,
 *   mark: () => number,
 *   problemsSince: (mark?: number) => BrowserProblem[],
 *   pageErrors: () => BrowserProblem[],
 * }}
 *
 * @example
 * ```js
 * const browser = watchBrowser(await launchChromium(), { baseURL: stack.appUrl });
 * const page = await (await browser.newContext()).newPage();
 * const mark = browser.mark();
 * // a wrong password, answered 401 on purpose:
 * const withdraw = browser.allowFailedLoad(`${stack.appUrl}/api/auth/sign-in/email`, 401);
 * // … drive the page …
 * assert.deepEqual(browser.problemsSince(mark), []);
 * withdraw();
 * await browser.close();
 * ```
 */
export function watchBrowser(browser, { baseURL, timeout = 30_000, navigationTimeout = 60_000 }) {
  const requestUrls = [];
  /** @type {BrowserProblem[]} */
  const problems = [];
  /** Failed loads caused on purpose: `${status ?? "aborted"} ${url}`. */
  const allowed = new Set();

  const isAllowed = (problem) => {
    const failed = /^Failed to load resource: (?:the server responded with a status of (\d{3})|net::)/.exec(
      problem.text,
    );
    return failed !== null && allowed.has(`${failed[1] ?? "aborted"} ${problem.url}`);
  };

  return {
    async newContext(options = {}) {
      const context = await browser.newContext({ baseURL, ...options });
      context.setDefaultTimeout(timeout);
      context.setDefaultNavigationTimeout(navigationTimeout);
      context.on("request", (request) => requestUrls.push(request.url()));
      context.on("response", (response) => {
        if (response.status() >= 500) {
          problems.push({ type: "response", text: `${response.status()} ${response.url()}`, url: response.url() });
        }
      });
      context.on("console", (message) => {
        if (message.type() === "error" || message.type() === "warning") {
          problems.push({ type: message.type(), text: message.text(), url: message.location().url });
        }
      });
      context.on("page", (page) =>
        page.on("pageerror", (error) => problems.push({ type: "pageerror", text: String(error?.stack ?? error) })),
      );
      return context;
    },

    async close() {
      await browser.close().catch(() => {});
    },

    /** Every URL any watched page requested, in order. */
    requestUrls,

    /**
     * Lets the console report this load as failed: with `status`, answered
     * with that status; without, aborted (`net::…`). Returns what withdraws it.
     */
    allowFailedLoad(url, status) {
      const key = `${status ?? "aborted"} ${url}`;
      allowed.add(key);
      return () => allowed.delete(key);
    },

    /** Where the problems are now, for `problemsSince`. */
    mark: () => problems.length,

    /** The problems since `mark` (all by default), less the failed loads allowed now. */
    problemsSince: (mark = 0) => problems.slice(mark).filter((problem) => !isAllowed(problem)),

    /** Every uncaught page error so far. */
    pageErrors: () => problems.filter((problem) => problem.type === "pageerror"),
  };
}
