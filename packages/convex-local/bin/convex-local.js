#!/usr/bin/env node
// Thin launcher: the CLI lives in dist/cli.js (built by `npm run build`).
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 13)) {
  process.stderr.write(
    `convex-local needs Node.js 22.13 or newer (it uses node:sqlite); this is ${process.version}.\n`,
  );
  process.exit(1);
}
// Node 22 warns that node:sqlite is experimental when it loads. The CLI's
// output is one ready line, so drop that warning (and only that one) before
// the CLI's module graph loads node:sqlite.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = (warning, ...rest) => {
  const text = typeof warning === "string" ? warning : warning?.message;
  if (typeof text === "string" && text.includes("SQLite is an experimental feature")) return;
  emitWarning(warning, ...rest);
};
import("../dist/cli.js").then((cli) => cli.main(process.argv.slice(2)));
