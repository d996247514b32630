/**
 * Preloaded into `next start` (`--import`, from NODE_OPTIONS) to count the
 * HTTP requests the Next.js server sends while it renders: one line per
 * request, `METHOD origin/path`, appended to the file named by
 * BENCH_REQUEST_LOG. It listens on undici's diagnostics channel, which
 * Node's `fetch` reports every request to when its headers go out, so it
 * sees the libraries' requests whoever wraps `fetch` (Next patches it)
 * without changing any of them. The write is synchronous, so a request made
 * during a render is in the file before the render's response ends.
 *
 * Plain JavaScript: Next runs without the bench's type stripping.
 */
import { appendFileSync } from "node:fs";
import { subscribe } from "node:diagnostics_channel";

const file = process.env.BENCH_REQUEST_LOG;
if (file) {
  subscribe("undici:client:sendHeaders", (message) => {
    const request = /** @type {{ request?: { method?: string; origin?: string; path?: string } }} */ (message).request;
    if (request) appendFileSync(file, `${request.method} ${request.origin}${request.path}\n`);
  });
}
