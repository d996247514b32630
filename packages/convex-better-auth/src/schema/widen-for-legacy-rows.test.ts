import { describe, expect, it } from "vitest";
import { fieldValidator, validatorSource } from "./field-validator.ts";
import type { SchemaSpec } from "./table-spec.ts";
import { widenForLegacyRows } from "./widen-for-legacy-rows.ts";

const current: SchemaSpec = {
  token: {
    fields: {
      id: { type: "string", required: false, unique: true, nullable: false },
      token: { type: "string", required: true, unique: true },
      scopes: { type: "string[]", required: true, unique: false },
      createdAt: { type: "date", required: true, unique: false },
    },
    indexes: [
      { name: "id", fields: ["id"] },
      { name: "token", fields: ["token"] },
    ],
  },
  user: { fields: { email: { type: "string", required: true, unique: true } }, indexes: [] },
};

const legacy: SchemaSpec = {
  token: {
    fields: {
      id: { type: "string", required: false, unique: true, nullable: false },
      accessToken: { type: "string", required: false, unique: true },
      scopes: { type: "string", required: false, unique: false },
      createdAt: { type: "date", required: false, unique: false },
    },
    indexes: [
      { name: "id", fields: ["id"] },
      { name: "accessToken", fields: ["accessToken"] },
    ],
  },
  application: { fields: { name: { type: "string", required: false, unique: false } }, indexes: [] },
};

describe("widenForLegacyRows", () => {
  const widened = widenForLegacyRows(current, legacy);
  const source = (table: string, field: string) => validatorSource(fieldValidator(widened[table]!.fields[field]!));

  it("accepts both shapes: required only if both require, both types where they differ", () => {
    expect(source("token", "scopes")).toBe("v.optional(v.union(v.null(), v.array(v.string()), v.string()))");
    expect(source("token", "createdAt")).toBe("v.optional(v.union(v.null(), v.number()))");
    // Legacy rows have no token: optional, still unique for the rows that do.
    expect(widened.token!.fields.token).toMatchObject({ required: false, unique: true });
    expect(source("token", "id")).toBe("v.optional(v.string())");
  });

  it("adds legacy-only fields without their constraints, and legacy-only tables as they are", () => {
    expect(widened.token!.fields.accessToken).toEqual({ type: "string", required: false, unique: false });
    expect(Object.keys(widened.token!.fields)).toEqual(["id", "token", "scopes", "createdAt", "accessToken"]);
    expect(widened.application).toBe(legacy.application);
    expect(widened.user).toBe(current.user);
  });

  it("keeps the indexes of both shapes", () => {
    expect(widened.token!.indexes.map((i) => i.name)).toEqual(["id", "token", "accessToken"]);
  });

  it("refuses two shapes that give one index name different fields", () => {
    const clash: SchemaSpec = { token: { ...legacy.token!, indexes: [{ name: "token", fields: ["accessToken"] }] } };
    expect(() => widenForLegacyRows(current, clash)).toThrow(/Legacy index "token"/);
  });
});
