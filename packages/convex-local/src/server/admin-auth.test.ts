import { describe, expect, it } from "vitest";
import { parseAuthorization } from "./admin-auth.ts";

const KEY = "convex-local|abc";

describe("parseAuthorization", () => {
  it("recognises the admin key, with and without an acting-as identity", () => {
    expect(parseAuthorization(`Convex ${KEY}`, KEY)).toEqual({ kind: "admin" });
    const identity = { subject: "u1", issuer: "https://issuer", name: "Ada" };
    const header = `Convex ${KEY}:${Buffer.from(JSON.stringify(identity)).toString("base64")}`;
    expect(parseAuthorization(header, KEY)).toEqual({ kind: "admin", actingAs: identity });
  });

  it("treats no header as anonymous and Bearer as a user token", () => {
    expect(parseAuthorization(undefined, KEY)).toEqual({ kind: "none" });
    expect(parseAuthorization("Bearer t.o.k", KEY)).toEqual({ kind: "bearer", token: "t.o.k" });
  });

  it("answers a wrong key with 401 BadAdminKey", () => {
    expect(() => parseAuthorization("Convex nope", KEY)).toThrow(
      expect.objectContaining({ code: "BadAdminKey", status: 401 }),
    );
    expect(() => parseAuthorization(`Convex ${KEY}x`, KEY)).toThrow(expect.objectContaining({ code: "BadAdminKey" }));
    expect(() => parseAuthorization("Basic abc", KEY)).toThrow(
      expect.objectContaining({ code: "InvalidAdminKey", status: 400 }),
    );
  });
});
