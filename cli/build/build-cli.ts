// Builds the repository's `sluice` (client and operator commands) into dist/cli/sluice.js, run by
// cli/bin.mjs: `npm run build` (the root's `prepare`), after the @sluice/client package it imports.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { bundleCli } from './bundle-cli.js';

const ROOT = new URL('../../', import.meta.url);
const manifest = JSON.parse(await readFile(new URL('package.json', ROOT), 'utf8')) as {
  dependencies?: Record<string, string>;
};

await bundleCli({
  entryPoints: { sluice: fileURLToPath(new URL('cli/operator-main.ts', ROOT)) },
  outDir: fileURLToPath(new URL('dist/cli', ROOT)),
  // Run inside the repository: every package the root installs is there.
  // @sluice/client is compiled in from its sources (tsconfig paths), like the rest of the repository's code.
  external: Object.keys(manifest.dependencies ?? {}),
});
