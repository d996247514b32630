import type { NextConfig } from "next";

const LOOPBACK_HOSTS = ["localhost", "127.0.0.1", "[::1]"];

const nextConfig: NextConfig = {
  // Better Auth answers for one origin, SITE_URL (NEXT_PUBLIC_SITE_URL
  // here). On this computer, the other loopback names of that address
  // (http://127.0.0.1:3000 for http://localhost:3000) redirect to it, path
  // and query kept. Other addresses get a page saying which URL to use
  // (proxy.ts). Here and not in proxy.ts: Next.js rewrites a proxy's
  // redirect from 127.0.0.1 to localhost into a relative one, a loop.
  async redirects() {
    const configured = process.env.NEXT_PUBLIC_SITE_URL;
    if (!configured) return [];
    const site = new URL(configured);
    if (!LOOPBACK_HOSTS.includes(site.hostname)) return [];
    return LOOPBACK_HOSTS.filter((host) => host !== site.hostname).map((host) => ({
      source: "/:path*",
      has: [{ type: "host" as const, value: host }],
      destination: `${site.origin}/:path*`,
      permanent: false,
    }));
  },
};

export default nextConfig;
