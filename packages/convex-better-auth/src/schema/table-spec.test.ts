import type { BetterAuthDBSchema } from "better-auth/db";
import { describe, expect, it } from "vitest";
import { fieldValidator, validatorSource } from "./field-validator.ts";
import { renderSchemaSource } from "./render-schema-source.ts";
import { betterAuthTablesToSpec, uniqueFieldsFromSpec } from "./table-spec.ts";

const tables = {
  user: {
    modelName: "users",
    fields: {
      email: { type: "string", unique: true, required: true, fieldName: "email_address" },
      name: { type: "string", sortable: true },
      tags: { type: "string[]", required: false },
      scores: { type: "number[]", required: true },
      kind: { type: ["a", "b"], required: true },
      meta: { type: "json", required: false },
      big: { type: "number", bigint: true, required: true },
      bornAt: { type: "date", required: false },
    },
  },
  session: {
    modelName: "sessions",
    fields: {
      userId: { type: "string", references: { model: "user", field: "id" }, required: true },
      expiresAt: { type: "date", required: true },
      deviceId: { type: "string", required: true, fieldName: "device" },
    },
    indexes: [{ fields: ["deviceId", "expiresAt"] }, { fields: ["userId"] }],
  },
} satisfies BetterAuthDBSchema;

describe("betterAuthTablesToSpec", () => {
  const spec = betterAuthTablesToSpec(tables, {
    session: [
      ["userId", "expiresAt"],
      ["userId", "expiresAt"],
    ],
    sessions: [["id", "deviceId"]],
    notInstalled: [["whatever"]],
    // A field only another plugin adds (stripe's user.stripeCustomerId).
    user: [["stripeCustomerId"], ["email", "notInstalledField"]],
  });

  it("keys tables and fields by physical name and adds the optional stored id first", () => {
    expect(Object.keys(spec)).toEqual(["users", "sessions"]);
    expect(Object.keys(spec.users!.fields)).toEqual([
      "id",
      "email_address",
      "name",
      "tags",
      "scores",
      "kind",
      "meta",
      "big",
      "bornAt",
    ]);
    expect(spec.users!.fields.id).toEqual({ type: "string", required: false, unique: true, nullable: false });
    expect(spec.users!.fields.kind!.type).toBe("enum");
  });

  it("treats an absent `required` as required, like Better Auth's migrations", () => {
    expect(spec.users!.fields.name!.required).toBe(true);
    expect(spec.users!.fields.tags!.required).toBe(false);
  });

  it("derives deduplicated indexes in a stable order, with physical names", () => {
    expect(spec.users!.indexes).toEqual([
      { name: "id", fields: ["id"] },
      { name: "email_address", fields: ["email_address"] },
      { name: "name", fields: ["name"] },
    ]);
    expect(spec.sessions!.indexes).toEqual([
      { name: "id", fields: ["id"] },
      { name: "userId", fields: ["userId"] },
      { name: "device_expiresAt", fields: ["device", "expiresAt"] },
      { name: "userId_expiresAt", fields: ["userId", "expiresAt"] },
      { name: "id_device", fields: ["id", "device"] },
    ]);
  });

  it("lists unique fields", () => {
    expect(uniqueFieldsFromSpec(spec)).toEqual({
      users: ["id", "email_address"],
      sessions: ["id"],
    });
  });

  it("rejects unknown index fields, reserved names and too many indexes", () => {
    expect(() => betterAuthTablesToSpec({ t: { ...tables.session, indexes: [{ fields: ["nope"] }] } })).toThrow(
      /unknown field/,
    );
    const reserved = {
      t: { modelName: "t", fields: { by: { type: "string" }, id: { type: "string" } } },
    } satisfies BetterAuthDBSchema;
    expect(() => betterAuthTablesToSpec(reserved)).toThrow(/reserved/);
    const byId = {
      t: { modelName: "t", fields: { by: { type: "string" } } },
    } satisfies BetterAuthDBSchema;
    expect(() => betterAuthTablesToSpec(byId, { t: [["by", "id"]] })).toThrow(/reserved by Convex/);
    const many = {
      t: {
        modelName: "t",
        fields: Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`f${i}`, { type: "string", index: true }])),
      },
    } satisfies BetterAuthDBSchema;
    expect(() => betterAuthTablesToSpec(many)).toThrow(/32-index/);
  });

  it("records compound unique table indexes as unique together, with their index", () => {
    const compound = {
      t: {
        modelName: "t",
        fields: { a: { type: "string" }, b: { type: "string", fieldName: "bee" }, c: { type: "string" } },
        indexes: [
          { fields: ["a", "b"], unique: true },
          { fields: ["b", "a"], unique: true },
          { fields: ["c"], unique: true },
        ],
      },
    } satisfies BetterAuthDBSchema;
    const built = betterAuthTablesToSpec(compound).t!;
    expect(built.uniqueTogether).toEqual([["a", "bee"]]);
    expect(built.fields.a!.unique).toBe(false);
    expect(built.fields.c!.unique).toBe(true);
    expect(built.indexes.map((i) => i.name)).toEqual(["id", "a_bee", "bee_a", "c"]);
    expect(uniqueFieldsFromSpec({ t: built }).t).toEqual(["id", "c", ["a", "bee"]]);
    expect(betterAuthTablesToSpec(tables).users!.uniqueTogether).toBeUndefined();
  });
});

describe("fieldValidator", () => {
  it.each([
    [{ type: "string", required: true }, "v.string()"],
    [{ type: "number", required: true }, "v.number()"],
    [{ type: "boolean", required: true }, "v.boolean()"],
    [{ type: "date", required: true }, "v.number()"],
    [{ type: "json", required: true }, "v.string()"],
    [{ type: "enum", required: true }, "v.string()"],
    [{ type: "string[]", required: true }, "v.array(v.string())"],
    [{ type: "number[]", required: true }, "v.array(v.number())"],
    [{ type: "date", required: false }, "v.optional(v.union(v.null(), v.number()))"],
    [{ type: "string[]", required: true, alsoAccepts: ["string", "json"] }, "v.union(v.array(v.string()), v.string())"],
    [
      { type: "string[]", required: false, alsoAccepts: ["string"] },
      "v.optional(v.union(v.null(), v.array(v.string()), v.string()))",
    ],
    [{ type: "date", required: true, alsoAccepts: ["number"] }, "v.number()"],
  ] as const)("%o -> %s", (field, source) => {
    const alsoAccepts = "alsoAccepts" in field ? [...field.alsoAccepts] : undefined;
    expect(validatorSource(fieldValidator({ ...field, alsoAccepts, unique: false }))).toBe(source);
  });
});

describe("renderSchemaSource", () => {
  it("prints fields unique together as a nested list", () => {
    const pair = {
      link: {
        modelName: "link",
        fields: { a: { type: "string" }, b: { type: "string" } },
        indexes: [{ fields: ["a", "b"], unique: true }],
      },
    } satisfies BetterAuthDBSchema;
    expect(renderSchemaSource(betterAuthTablesToSpec(pair), { header: [] })).toContain('  link: ["id", ["a", "b"]],');
  });

  it("prints a readable module with header, tables, unique fields and default schema", () => {
    const source = renderSchemaSource(betterAuthTablesToSpec({ user: tables.user }), {
      header: ["Generated.", "", "Do not edit."],
    });
    expect(source).toBe(
      [
        "/**",
        " * Generated.",
        " *",
        " * Do not edit.",
        " */",
        'import { defineSchema, defineTable } from "convex/server";',
        'import { v } from "convex/values";',
        "",
        "export const tables = {",
        "  users: defineTable({",
        "    id: v.optional(v.string()),",
        "    email_address: v.string(),",
        "    name: v.string(),",
        "    tags: v.optional(v.union(v.null(), v.array(v.string()))),",
        "    scores: v.array(v.number()),",
        "    kind: v.string(),",
        "    meta: v.optional(v.union(v.null(), v.string())),",
        "    big: v.number(),",
        "    bornAt: v.optional(v.union(v.null(), v.number())),",
        "  })",
        '    .index("id", ["id"])',
        '    .index("email_address", ["email_address"])',
        '    .index("name", ["name"]),',
        "};",
        "",
        "/** Per table, the fields whose values must be unique (a list: unique together). */",
        "export const uniqueFields = {",
        '  users: ["id", "email_address"],',
        "} as const;",
        "",
        "export default defineSchema(tables);",
        "",
      ].join("\n"),
    );
  });
});
