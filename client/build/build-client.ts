// Builds the @sluice/client package into client/dist: `npm run build -w @sluice/client`
// (run by the root's `prepare`, so `npm ci` leaves it built). Three outputs:
//   dist/index.js, dist/defaults.js — the library, one ES module each, with the
//     generated protobuf code (proto/gen) compiled in;
//   dist/types/ — its declarations (tsc);
//   dist/cli/sluice.js — the `sluice` command line, built on the library.
// `--no-types` skips the declarations (the tests that only run JavaScript).
import { execFileSync } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { assertExternalImports, bundleCli } from '../../cli/build/bundle-cli.js';

const CLIENT_DIR = fileURLToPath(new URL('..', import.meta.url));
const DIST_DIR = `${CLIENT_DIR}dist`;
const PACKAGE_NAME = '@sluice/client';
const TARGET = 'node20';

const manifest = JSON.parse(await readFile(`${CLIENT_DIR}package.json`, 'utf8')) as {
  dependencies?: Record<string, string>;
};
const dependencies = Object.keys(manifest.dependencies ?? {});

await rm(DIST_DIR, { recursive: true, force: true });
const library = await build({
  entryPoints: { index: `${CLIENT_DIR}index.ts`, defaults: `${CLIENT_DIR}defaults.ts` },
  outdir: DIST_DIR,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: TARGET,
  packages: 'external',
  chunkNames: 'chunks/[name]-[hash]',
  metafile: true,
  logLevel: 'warning',
});
// Whatever the client imports from this repository (proto/gen, core/) is compiled in;
// a package it imports must be one of its own dependencies, or installs would break.
assertExternalImports(library.metafile, dependencies);

await bundleCli({
  entryPoints: { sluice: fileURLToPath(new URL('../../cli/main.ts', import.meta.url)) },
  outDir: `${DIST_DIR}/cli`,
  external: [PACKAGE_NAME, ...dependencies],
});

if (!process.argv.includes('--no-types')) {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', `${CLIENT_DIR}tsconfig.build.json`], {
    stdio: 'inherit',
  });
}
