#!/usr/bin/env node
// The repository's `sluice`: the compiled CLI with the operator commands (`npm run build`,
// which `npm ci` runs through `prepare`). No TypeScript loader at run time.
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/cli/sluice.js', import.meta.url);
if (!existsSync(compiled)) {
  process.stderr.write('sluice: not built yet; run `npm run build` in the repository\n');
  process.exit(1);
}
await import(compiled.href);
