import { execFile } from 'node:child_process';
import { cp, mkdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';

/** Where the bundle sits inside the output: `../../proto` from it is the output's `proto/`. */
export const BUNDLE_ENTRY = 'lib/front/main.mjs';
/**
 * The dashboard's built files, beside `lib/`: `findWebRoot` in
 * container/web/static-files.ts looks for `web/` two levels above the bundle.
 */
export const WEB_DIR = 'web';
/** What vite may print before its build is refused (it prints little at `warn`). */
const VITE_OUTPUT_LIMIT = 16 * 1024 * 1024;
/** The Node version the image runs. */
const NODE_TARGET = 'node24';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/**
 * ESM has no `__dirname` or `require`; bundled CommonJS packages use both
 * (grpc-health-check and @grpc/reflection read their .proto files from
 * `__dirname/../../proto`, which is why the bundle sits two levels below the
 * output's `proto/`).
 */
const COMMONJS_SHIM = [
  "import { createRequire as __sluiceCreateRequire } from 'node:module';",
  "import { fileURLToPath as __sluiceFileURLToPath } from 'node:url';",
  "import { dirname as __sluiceDirname } from 'node:path';",
  'const require = __sluiceCreateRequire(import.meta.url);',
  'const __filename = __sluiceFileURLToPath(import.meta.url);',
  'const __dirname = __sluiceDirname(__filename);',
].join('\n');

/** Options of `bundleFront`. */
export interface BundleFrontOptions {
  /** The directory to (re)create: `lib/front/main.mjs` and `proto/` go in it. */
  outDir: string;
  /**
   * Minify identifiers too (default false: whitespace and syntax only, so
   * stack traces name real functions without source maps, which cost ~20 MB
   * of memory when enabled; the map is written either way).
   */
  minifyIdentifiers?: boolean;
}

function packageDir(name: string): string {
  return dirname(require.resolve(`${name}/package.json`));
}

/**
 * Builds what the container image runs: `container/main.ts` as one ESM file
 * (every dependency inside, so the image needs no node_modules), the .proto
 * files read at run time — the JobService's (for reflection), and the
 * health and reflection services' own — and the dashboard, built afresh from
 * web/ (never a stale web/dist) into `web/`, which the front serves on its
 * web port.
 *
 * @example
 * ```ts
 * await bundleFront({ outDir: 'container/dist' });
 * // node container/dist/lib/front/main.mjs
 * ```
 */
export async function bundleFront(options: BundleFrontOptions): Promise<string> {
  const outDir = resolve(options.outDir);
  await rm(outDir, { recursive: true, force: true });
  const entry = join(outDir, BUNDLE_ENTRY);
  await build({
    entryPoints: [join(here, '../main.ts')],
    outfile: entry,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: NODE_TARGET,
    minifyWhitespace: true,
    minifySyntax: true,
    minifyIdentifiers: options.minifyIdentifiers ?? false,
    sourcemap: true,
    legalComments: 'external',
    banner: { js: COMMONJS_SHIM },
    logLevel: 'warning',
  });
  const protoOut = join(outDir, 'proto');
  await mkdir(protoOut, { recursive: true });
  await cp(join(here, '../../proto/sluice'), join(protoOut, 'sluice'), { recursive: true });
  await cp(join(packageDir('grpc-health-check'), 'proto/health'), join(protoOut, 'health'), {
    recursive: true,
  });
  await cp(join(packageDir('@grpc/reflection'), 'build/proto/grpc'), join(protoOut, 'grpc'), {
    recursive: true,
  });
  // Vite in its own process, as `npm run build:web` runs it (its config is ESM that a
  // test runner's module loader need not handle).
  await promisify(execFile)(
    process.execPath,
    [
      join(packageDir('vite'), 'bin/vite.js'),
      'build',
      join(here, '../../web'),
      '--outDir',
      join(outDir, WEB_DIR),
      '--emptyOutDir',
      '--logLevel',
      'warn',
    ],
    { maxBuffer: VITE_OUTPUT_LIMIT },
  );
  return entry;
}
