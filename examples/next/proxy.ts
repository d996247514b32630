import { NextResponse, type NextRequest } from "next/server";

// Better Auth answers for one origin, SITE_URL (NEXT_PUBLIC_SITE_URL here):
// its cookies, origin checks and OAuth redirect URIs are tied to it. Opened
// at another address (the LAN address `next dev` prints as "Network", a
// different port), the app would load but every sign-in would fail without
// a word. So it says which URL to use and why. (127.0.0.1 and [::1] for a
// localhost SITE_URL are redirected before this runs: next.config.ts.)

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function wrongAddressPage(opened: string, target: URL, site: URL): string {
  const siteUrl = escapeHtml(site.origin);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Open this app at ${siteUrl}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;line-height:1.5}code{background:#eee;padding:0 .25rem}</style></head>
<body>
<h1>Open this app at ${siteUrl}</h1>
<p>You opened it at <code>${escapeHtml(opened)}</code>. Sign-in only works at <code>${siteUrl}</code>,
the address in <code>SITE_URL</code>: Better Auth's cookies and origin checks are tied to it.</p>
<p><a href="${escapeHtml(target.href)}">Continue to ${escapeHtml(target.href)}</a> (on the computer running the app).</p>
<p>To use the app at <code>${escapeHtml(opened)}</code> instead, set <code>SITE_URL</code> (<code>npx convex env set SITE_URL …</code>)
and <code>NEXT_PUBLIC_SITE_URL</code> to it, make <code>NEXT_PUBLIC_CONVEX_URL</code> and
<code>NEXT_PUBLIC_CONVEX_SITE_URL</code> reachable from this device, and restart <code>next dev</code>.</p>
</body></html>`;
}

export function proxy(request: NextRequest) {
  const configured = process.env.NEXT_PUBLIC_SITE_URL;
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  if (!configured || !host) return NextResponse.next();
  const site = new URL(configured);
  if (host.toLowerCase() === site.host.toLowerCase()) return NextResponse.next();

  const target = new URL(`${request.nextUrl.pathname}${request.nextUrl.search}`, site);
  const opened = `${request.nextUrl.protocol}//${host}`;
  return new NextResponse(wrongAddressPage(opened, target, site), {
    // 421 Misdirected Request: this server does not answer for that authority.
    status: 421,
    headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
  });
}

export const config = {
  // Pages and /api/auth; not Next's own assets.
  matcher: ["/((?!_next/static|_next/image|icon\\.svg|favicon\\.ico).*)"],
};
