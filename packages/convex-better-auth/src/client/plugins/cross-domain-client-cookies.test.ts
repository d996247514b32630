import { describe, expect, it } from "vitest";
import { getCookie, getSetCookie, withoutSessionCookies } from "./cross-domain-client-cookies.js";

const NOW = Date.parse("2030-01-01T00:00:00.000Z");

describe("getSetCookie / getCookie", () => {
  it("keeps signed values that contain '=' whole (#352: base64 padding of the two_factor cookie)", () => {
    const jar = getSetCookie(
      "better-auth.two_factor=abc.c2lnbmF0dXJl==; Max-Age=600; Path=/; HttpOnly",
      undefined,
      NOW,
    );
    expect(getCookie(jar, NOW)).toBe("better-auth.two_factor=abc.c2lnbmF0dXJl==");
  });

  it("sends values back exactly as the server sent them (no decoding)", () => {
    const jar = getSetCookie("better-auth.session_token=tok.sig%2Bx%3D; Path=/", undefined, NOW);
    expect(getCookie(jar, NOW)).toBe("better-auth.session_token=tok.sig%2Bx%3D");
  });

  it("splits a joined header between cookies but not inside Expires dates", () => {
    const header =
      "a=1; Expires=Wed, 21 Oct 2037 07:28:00 GMT; Path=/, b=two=2; Max-Age=60, c=3; Path=/; Expires=Thu, 01 Jan 2037 00:00:00 GMT";
    const jar = JSON.parse(getSetCookie(header, undefined, NOW));
    expect(jar).toEqual({
      a: { value: "1", expires: "2037-10-21T07:28:00.000Z" },
      b: { value: "two=2", expires: new Date(NOW + 60_000).toISOString() },
      c: { value: "3", expires: "2037-01-01T00:00:00.000Z" },
    });
    expect(getCookie(JSON.stringify(jar), NOW)).toBe("a=1; b=two=2; c=3");
  });

  it("merges over the stored jar, and deletes on Max-Age=0 or a past Expires", () => {
    let jar = getSetCookie("a=1; Max-Age=60, b=2, c=3", undefined, NOW);
    jar = getSetCookie("a=9; Max-Age=60, b=; Max-Age=0, c=3; Expires=Thu, 01 Jan 1970 00:00:00 GMT", jar, NOW);
    expect(getCookie(jar, NOW)).toBe("a=9");
  });

  it("lets Max-Age win over Expires (RFC 6265)", () => {
    const jar = getSetCookie("a=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=60", undefined, NOW);
    expect(getCookie(jar, NOW)).toBe("a=1");
  });

  it("leaves out expired cookies, and reads invalid JSON as an empty jar", () => {
    const stored = JSON.stringify({
      live: { value: "1", expires: null },
      dead: { value: "2", expires: "2000-01-01T00:00:00.000Z" },
    });
    expect(getCookie(stored, NOW)).toBe("live=1");
    expect(getCookie("not json", NOW)).toBe("");
    expect(getCookie("[]", NOW)).toBe("");
    expect(JSON.parse(getSetCookie("a=1", "not json", NOW))).toEqual({ a: { value: "1", expires: null } });
  });

  it("reads the prior art's stored format, so signed-in users stay signed in after switching", () => {
    const priorArt = JSON.stringify({
      "better-auth.session_token": { value: "tok.sig=", expires: "2030-02-01T00:00:00.000Z" },
    });
    expect(getCookie(priorArt, NOW)).toBe("better-auth.session_token=tok.sig=");
  });
});

describe("withoutSessionCookies", () => {
  it("drops the session's cookies and keeps the two-factor challenge (#325)", () => {
    const jar = getSetCookie(
      "__Secure-app.session_token=t, __Secure-app.session_data=d, __Secure-app.convex_jwt=j, __Secure-app.dont_remember=true, __Secure-app.two_factor=2fa.sig=",
      undefined,
      NOW,
    );
    expect(getCookie(withoutSessionCookies(jar), NOW)).toBe("__Secure-app.two_factor=2fa.sig=");
  });
});
