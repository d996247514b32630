import { describe, expect, it } from "vitest";
import { isFrameworkError } from "./errors.js";
import { resolveServerOptions } from "./server-options.js";

const convexUrl = "https://happy-otter-123.convex.cloud";
const convexSiteUrl = "https://happy-otter-123.convex.site";

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

describe("resolveServerOptions", () => {
  it("defaults basePath, cookiePrefix and jwtCache (on, 60 s early refresh), and trims trailing slashes", () => {
    expect(resolveServerOptions({ convexUrl: `${convexUrl}/`, convexSiteUrl: `${convexSiteUrl}/` })).toEqual({
      convexUrl,
      convexSiteUrl,
      basePath: "/api/auth",
      cookiePrefix: "better-auth",
      jwtCache: { enabled: true, expirationToleranceSeconds: 60 },
    });
  });

  it("turns jwtCache off only when asked, and keeps it on when only other jwtCache options are given", () => {
    expect(resolveServerOptions({ convexUrl, convexSiteUrl, jwtCache: { enabled: false } }).jwtCache.enabled).toBe(
      false,
    );
    expect(resolveServerOptions({ convexUrl, convexSiteUrl, jwtCache: { enabled: true } }).jwtCache.enabled).toBe(true);
    const onlyTolerance = resolveServerOptions({
      convexUrl,
      convexSiteUrl,
      jwtCache: { expirationToleranceSeconds: 5 },
    });
    expect(onlyTolerance.jwtCache).toEqual({ enabled: true, expirationToleranceSeconds: 5 });
  });

  it("accepts self-hosted and local URLs", () => {
    const resolved = resolveServerOptions({
      convexUrl: "http://127.0.0.1:3210",
      convexSiteUrl: "http://127.0.0.1:3211",
    });
    expect(resolved.convexSiteUrl).toBe("http://127.0.0.1:3211");
  });

  it.each([[""], ["   "], [undefined as unknown as string]])("rejects an empty convexSiteUrl (%j)", (value) => {
    const error = thrown(() => resolveServerOptions({ convexUrl, convexSiteUrl: value }));
    expect(isFrameworkError(error, "INVALID_CONVEX_SITE_URL")).toBe(true);
  });

  it("rejects the .convex.cloud URL as convexSiteUrl and names the .convex.site one", () => {
    const error = thrown(() => resolveServerOptions({ convexUrl, convexSiteUrl: convexUrl }));
    expect(isFrameworkError(error, "INVALID_CONVEX_SITE_URL")).toBe(true);
    expect((error as Error).message).toContain(".convex.site");
    expect((error as Error).message).toContain(convexSiteUrl);
  });

  it("rejects a convexSiteUrl that is not an http(s) URL", () => {
    expect(isFrameworkError(thrown(() => resolveServerOptions({ convexUrl, convexSiteUrl: "happy-otter-123" })))).toBe(
      true,
    );
  });

  it("rejects an empty convexUrl or the .convex.site URL as convexUrl", () => {
    expect(
      isFrameworkError(
        thrown(() => resolveServerOptions({ convexUrl: "", convexSiteUrl })),
        "INVALID_CONVEX_URL",
      ),
    ).toBe(true);
    expect(
      isFrameworkError(
        thrown(() => resolveServerOptions({ convexUrl: convexSiteUrl, convexSiteUrl })),
        "INVALID_CONVEX_URL",
      ),
    ).toBe(true);
  });

  it("rejects a relative basePath", () => {
    const error = thrown(() => resolveServerOptions({ convexUrl, convexSiteUrl, basePath: "api/auth" }));
    expect(isFrameworkError(error, "INVALID_BASE_PATH")).toBe(true);
  });

  it("clamps a negative tolerance to 0 so it never extends a token's life", () => {
    const resolved = resolveServerOptions({
      convexUrl,
      convexSiteUrl,
      jwtCache: { enabled: true, expirationToleranceSeconds: -5 },
    });
    expect(resolved.jwtCache.expirationToleranceSeconds).toBe(0);
  });
});
