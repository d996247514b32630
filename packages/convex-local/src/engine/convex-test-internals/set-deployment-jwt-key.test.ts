/**
 * Pins that convex-test signs `ctx.auth.signJwt` tokens with a preset key.
 */
import { describe, expect, test } from "vitest";
import { newInstance } from "../test-fixtures/convex-test-internals-app.ts";
import { functionHandle } from "./function-handle.ts";
import { setDeploymentJwtKey } from "./set-deployment-jwt-key.ts";

describe("convex-test internals convex-local relies on", () => {
  test("signJwt signs with a preset deployment key", async () => {
    const instance = newInstance();
    const pair = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"]);
    const { x, y } = await crypto.subtle.exportKey("jwk", pair.publicKey);
    const publicJwk = { kty: "EC", crv: "P-256", x: x!, y: y!, kid: "preset-kid", alg: "ES256", use: "sig" } as const;
    setDeploymentJwtKey(instance.global, { privateKey: pair.privateKey, kid: "preset-kid", publicJwk });
    const token = (await instance.t.mutation(functionHandle("", "fns:sign"), {})) as string;
    const [header, payload, signature] = token.split(".") as [string, string, string];
    expect(JSON.parse(Buffer.from(header, "base64url").toString())).toMatchObject({ alg: "ES256", kid: "preset-kid" });
    const valid = await crypto.subtle.verify(
      { name: "ECDSA", hash: "SHA-256" },
      pair.publicKey,
      Buffer.from(signature, "base64url"),
      new TextEncoder().encode(`${header}.${payload}`),
    );
    expect(valid).toBe(true);
  });
});
