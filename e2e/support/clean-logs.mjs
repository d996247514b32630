/**
 * What the example tests check besides what the pages show: nothing wrong in
 * the terminal (the app's server and convex-local, as `npm start` prints
 * them), in the Convex function log (`npx convex logs`, what a developer
 * watches in `npx convex dev`) or in the browser console, and no password in
 * a URL or a log.
 */
import assert from "node:assert/strict";

/**
 * Better Auth's own warning for a sign-in with a wrong password, logged by the
 * sign-in HTTP action: allow it where a test signs in with one on purpose.
 */
export const WRONG_PASSWORD_WARNING =
  /\[CONVEX H\(POST \/api\/auth\/sign-in\/email\)\] \[WARN\] '.* WARN \[Better Auth\]: Invalid password'$/;

// Terminal lines that report a problem: Next.js's ⨯ and ⚠ marks, its "GET / 500 in 12ms" request
// lines and the browser logs it forwards, errors and warnings of any of the servers, and a Convex
// function refused for want of a session.
const TERMINAL_PROBLEM = /⨯|⚠|Error|Uncaught|UNAUTHENTICATED|\[browser\]| 5\d\d in /;
const TERMINAL_PROBLEM_WORD = /UNAUTHENTICATED|Uncaught|\berror\b|\bwarn/i;
// Next.js's line for a request ("GET /sign-in?error=access_denied 200 in 12ms") or the server action
// it ran ("└─ ƒ changePasswordWithForm({"error":…})"): its URL and arguments are the app's data,
// which may say "error"; its status is what tells a failure (TERMINAL_PROBLEM's 5xx).
const REQUEST_LINE = /^\s*(?:(?:GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS) \S+ \d{3} in |└─ ƒ )/;

const isTerminalProblem = (line) =>
  TERMINAL_PROBLEM.test(line) || (TERMINAL_PROBLEM_WORD.test(line) && !REQUEST_LINE.test(line));

// Function log lines that report a problem: errors, warnings, failed functions.
const FUNCTION_LOG_PROBLEM = /Uncaught|Server Error|UNAUTHENTICATED|\[ERROR\]|\[WARN\]|failure/i;

/** The logs' starting point: `assertCleanSince()` without a mark checks everything. */
const START = { terminal: 0, convex: 0, browser: 0 };

/**
 * @param {{
 *   stack: { output: () => string },
 *   convexLogs: { text: () => string, settled: () => Promise<void> },
 *   browser: { requestUrls: string[], mark: () => number, problemsSince: (mark?: number) => unknown[] },
 * }} watched
 *   `stack`: from `startStack()`; `convexLogs`: from `tailConvexLogs()`; `browser`: from `watchBrowser()`.
 * @returns {{
 *   mark: () => { terminal: number, convex: number, browser: number },
 *   assertCleanSince: (mark?: { terminal: number, convex: number, browser: number }, options?: { allow?: RegExp[] }) => Promise<void>,
 *   assertNoPasswords: (passwords: string[]) => Promise<void>,
 * }}
 *
 * @example
 * ```js
 * const logs = cleanLogs({ stack, convexLogs, browser });
 * const mark = logs.mark();
 * // … sign in with a wrong password, then the right one …
 * await logs.assertCleanSince(mark, { allow: [WRONG_PASSWORD_WARNING] });
 * await logs.assertNoPasswords([PASSWORD]);
 * ```
 */
export function cleanLogs({ stack, convexLogs, browser }) {
  return {
    /** Where the logs are now, to check a step's share of them. */
    mark: () => ({ terminal: stack.output().length, convex: convexLogs.text().length, browser: browser.mark() }),

    /**
     * The terminal, the Convex function log and the browser since `mark` (since
     * the start without one): no problem in them. `allow`: function log lines
     * caused on purpose.
     */
    async assertCleanSince(mark = START, { allow = [] } = {}) {
      await convexLogs.settled();
      const terminalSince = stack.output().slice(mark.terminal);
      const terminal = terminalSince.split("\n").filter(isTerminalProblem);
      assert.deepEqual(terminal, [], `the terminal (the app's server, convex-local):\n${terminalSince.slice(-6000)}`);
      const functionLog = convexLogs
        .text()
        .slice(mark.convex)
        .split("\n")
        .filter((line) => FUNCTION_LOG_PROBLEM.test(line))
        .filter((line) => !allow.some((pattern) => pattern.test(line)));
      assert.deepEqual(functionLog, [], "the Convex function log");
      assert.deepEqual(browser.problemsSince(mark.browser), [], "the browser console and responses");
    },

    /** No password in any URL the browser requested, in the terminal or in the Convex function log. */
    async assertNoPasswords(passwords) {
      const leaks = browser.requestUrls.filter(
        (url) => passwords.some((password) => url.includes(password)) || /password=/i.test(url),
      );
      assert.deepEqual(leaks, [], "no password in a URL");
      await convexLogs.settled();
      const logs = [stack.output(), convexLogs.text()];
      for (const password of passwords) {
        assert.ok(
          !logs.some((log) => log.includes(password)),
          "no password in the terminal or the Convex function log",
        );
      }
    },
  };
}
