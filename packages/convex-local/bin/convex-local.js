#!/usr/bin/env node
// Thin launcher: the CLI lives in dist/cli.js (built by `npm run build`).
import("../dist/cli.js").then((cli) => cli.main(process.argv.slice(2)));
