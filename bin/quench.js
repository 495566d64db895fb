#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm ci` (prepare) or `npm run build`.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
const cli = new URL('../dist/main/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  console.error('quench: the compiled CLI is missing (dist/main/cli.js). Run `npm ci` or `npm run build` first.');
  process.exit(70);
}
const { main } = await import(cli.href);
process.exitCode = await main(process.argv.slice(2));
