/**
 * Pins convex-test's document validation and the schema it keeps.
 */
import { describe, expect, test } from "vitest";
import { newInstance, root } from "../test-fixtures/convex-test-internals-app.ts";
import { databaseSchema, validateDocument, validatorProbe } from "./validation-database.ts";

describe("convex-test internals convex-local relies on", () => {
  test("DatabaseFake validates documents against its schema; probes validate sub-validators", () => {
    const db = root(newInstance());
    expect(() => validateDocument(db, "notes", { text: "fine" })).not.toThrow();
    expect(() => validateDocument(db, "notes", {})).toThrow("Validator error: Missing required field `text` in object");
    expect(() => validateDocument(db, "notes", { text: 1 })).toThrow("Validator error: Expected `string`, got `1`");
    const probe = validatorProbe({ type: "object", value: { n: { fieldType: { type: "number" }, optional: false } } });
    expect(() => validateDocument(probe, "probe", { n: "x" })).toThrow("Validator error");
    expect(databaseSchema(db)?.schemaValidation).toBe(true);
  });
});
