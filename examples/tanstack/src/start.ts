import { createCsrfMiddleware, createMiddleware, createStart } from "@tanstack/react-start";

// Server functions are same-origin RPC endpoints: refuse cross-site calls.
const csrfMiddleware = createCsrfMiddleware({
  filter: (ctx) => ctx.handlerType === "serverFn",
});

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * Better Auth only trusts SITE_URL's origin, and cookies belong to one host:
 * opened on another address the app would load and then fail to sign in,
 * silently. Another loopback name for the same port (127.0.0.1 for
 * localhost) is redirected to SITE_URL; any other address gets a page that
 * says which URL to use.
 */
const siteUrlMiddleware = createMiddleware({ type: "request" }).server(({ request, next }) => {
  const siteUrl = process.env.VITE_SITE_URL;
  const url = new URL(request.url);
  if (!siteUrl || (request.method !== "GET" && request.method !== "HEAD")) return next();
  const site = new URL(siteUrl);
  if (url.origin === site.origin) return next();
  if (LOOPBACK_HOSTS.has(url.hostname) && LOOPBACK_HOSTS.has(site.hostname) && url.port === site.port) {
    return Response.redirect(new URL(url.pathname + url.search, site.origin), 307);
  }
  return new Response(wrongAddressPage(site.origin, url.origin), {
    status: 421,
    headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
  });
});

function wrongAddressPage(siteOrigin: string, requestOrigin: string): string {
  const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Open ${escape(siteOrigin)}</title></head><body>
<p role="alert">This app signs in on <a href="${escape(siteOrigin)}/">${escape(siteOrigin)}</a> (its SITE_URL), not on ${escape(requestOrigin)}.
To use this address, set SITE_URL (<code>npx convex env set SITE_URL ${escape(requestOrigin)}</code>) and VITE_SITE_URL to it.</p>
</body></html>`;
}

export const startInstance = createStart(() => ({
  requestMiddleware: [csrfMiddleware, siteUrlMiddleware],
}));
