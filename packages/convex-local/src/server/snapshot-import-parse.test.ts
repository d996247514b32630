import { strToU8, zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { csvRecords } from "./csv-records.ts";
import { parseImportFile } from "./snapshot-import-parse.ts";

const text = (s: string) => strToU8(s);

describe("CSV records", () => {
  it("reads quoted cells with commas, escaped quotes and line breaks, and CRLF rows", () => {
    expect(csvRecords('a,b\r\n"x, y","say ""hi"""\n"two\nlines",\n')).toEqual([
      ["a", "b"],
      ["x, y", 'say "hi"'],
      ["two\nlines", ""],
    ]);
  });

  it("refuses an unclosed quote", () => {
    expect(() => csvRecords('a\n"open')).toThrow(/not closed/);
  });
});

describe("parseImportFile", () => {
  const single = (format: "csv" | "jsonLines" | "jsonArray", content: string) =>
    parseImportFile(text(content), { format, tableName: "notes", componentPath: "" }).tables[0]!.rows;

  it("reads CSV cells as float64 when they are numbers, else as strings", () => {
    expect(single("csv", "text, rank \nhello,3\n007,x1\n")).toEqual([
      { text: "hello", rank: 3 },
      { text: 7, rank: "x1" },
    ]);
  });

  it("reads JSONL and JSON arrays as plain JSON: every number a float64", () => {
    expect(single("jsonLines", '{"n":1,"o":{"a":[2]}}\n\n{"n":2.5}\n')).toEqual([{ n: 1, o: { a: [2] } }, { n: 2.5 }]);
    expect(single("jsonArray", '[{"n":1}]')).toEqual([{ n: 1 }]);
  });

  it("fails with the backend's codes and texts", () => {
    const failure = (format: "csv" | "jsonLines" | "jsonArray", content: string) => {
      try {
        single(format, content);
      } catch (error) {
        return { code: (error as { code: string }).code, message: (error as Error).message };
      }
      throw new Error("no failure");
    };
    expect(failure("jsonLines", '{"n":1}\nnot json\n')).toMatchObject({
      code: "JsonInvalidRow",
      message: expect.stringMatching(/^Row 2 wasn't valid JSON/),
    });
    expect(failure("jsonLines", "[1]\n")).toEqual({ code: "NotAnObject", message: "Row 1 wasn't an object" });
    expect(failure("jsonArray", '{"n":1}')).toEqual({ code: "NotJsonArray", message: "Not a JSON array" });
    expect(failure("csv", "a,b\n1\n")).toEqual({
      code: "CsvRowMissingFields",
      message: "CSV row 1 doesn't have all of the fields in the header",
    });
    expect(failure("jsonLines", '{"$bytes":"AA=="}\n')).toMatchObject({ code: "InvalidConvexValue" });
    expect(failure("csv", "\uFEFFa\n1\n")).toMatchObject({ code: "Utf8BomNotSupported" });
  });

  it("reads a snapshot ZIP: tables, components, generated schemas, _tables and files", () => {
    const zip = zipSync({
      "snapshot/README.md": text("hi"),
      "snapshot/_tables/documents.jsonl": text('{"name":"messages","id":10001}\n{"name":"empty","id":10002}\n'),
      "snapshot/messages/documents.jsonl": text('{"_id":"a","n":1,"f":1.0}\n'),
      "snapshot/messages/generated_schema.jsonl": text('"uniform"\n'),
      "snapshot/legacy/documents.jsonl": text('{"n":1}\n'),
      "snapshot/_scheduled_functions/documents.jsonl": text('{"name":"x"}\n'),
      "snapshot/_storage/documents.jsonl": text('{"_id":"f1","size":2}\n'),
      "snapshot/_storage/f1.txt": text("hi"),
      "snapshot/_components/a/_components/b/counters/documents.jsonl": text('{"name":"x"}\n'),
    });
    const parsed = parseImportFile(zip, { format: "zip", tableName: null, componentPath: "" });
    const byName = new Map(parsed.tables.map((t) => [`${t.componentPath}:${t.tableName}`, t.rows]));
    expect([...byName.keys()].sort()).toEqual([":_storage", ":legacy", ":messages", "a/b:counters"]);
    // With a "uniform" generated schema an integer is an int64; without one, a float64.
    expect(byName.get(":messages")).toEqual([{ _id: "a", n: 1n, f: 1 }]);
    expect(byName.get(":legacy")).toEqual([{ n: 1 }]);
    expect(parsed.listedTables).toEqual([
      { componentPath: "", tableName: "messages" },
      { componentPath: "", tableName: "empty" },
    ]);
    expect(new TextDecoder().decode(parsed.files.get("")?.get("f1"))).toBe("hi");
  });
});
