import { readFileSync } from "node:fs";
import { afterEach, expect, test, vi } from "vitest";
import { main } from "./cli.ts";

afterEach(() => vi.restoreAllMocks());

test("`convex-local --version` prints the version from package.json", async () => {
  const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  const written: string[] = [];
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  await main(["--version"]);
  expect(written.join("")).toBe(`${version}\n`);
});
