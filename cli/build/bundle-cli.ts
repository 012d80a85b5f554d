import { builtinModules } from 'node:module';
import { build, type Metafile } from 'esbuild';

/** What the bundles are compiled for: the oldest Node line the packages support. */
const TARGET = 'node20';
/**
 * Commander, zod and cli-progress are bundled; CommonJS among them calls
 * `require`, which an ES module has not: give it one.
 */
const ESM_REQUIRE_BANNER = [
  '#!/usr/bin/env node',
  "import { createRequire as __sluiceCreateRequire } from 'node:module';",
  'const require = __sluiceCreateRequire(import.meta.url);',
].join('\n');

/** Options of `bundleCli`. */
export interface BundleCliOptions {
  /** Output name → entry file (`{ sluice: 'cli/main.ts' }` gives `<outDir>/sluice.js`). */
  entryPoints: Record<string, string>;
  outDir: string;
  /** Packages left as imports, resolved at run time (the rest is bundled). */
  external: readonly string[];
}

/**
 * Compiles the CLI ahead of time into an executable ES module and one chunk
 * per lazily imported command, so `sluice --version` loads no gRPC and
 * `sluice get` not the bulk-submit code. Fails if the output imports a
 * package outside `external` — a dependency the installed package would not
 * have.
 *
 * @example
 * ```ts
 * await bundleCli({ entryPoints: { sluice: 'cli/main.ts' }, outDir: 'client/dist/cli', external: ['@sluice/client'] });
 * ```
 */
export async function bundleCli(options: BundleCliOptions): Promise<Metafile> {
  const result = await build({
    entryPoints: options.entryPoints,
    outdir: options.outDir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: TARGET,
    external: [...options.external],
    banner: { js: ESM_REQUIRE_BANNER },
    chunkNames: 'chunks/[name]-[hash]',
    metafile: true,
    logLevel: 'warning',
  });
  assertExternalImports(result.metafile, options.external);
  return result.metafile;
}

/**
 * Throws unless every import an output leaves to run time is a Node built-in
 * or one of `allowed` (a package name, also matching its subpaths).
 *
 * @example
 * ```ts
 * assertExternalImports(result.metafile, ['@grpc/grpc-js']);
 * ```
 */
export function assertExternalImports(metafile: Metafile, allowed: readonly string[]): void {
  const builtins = new Set(builtinModules);
  const unexpected = new Set<string>();
  for (const output of Object.values(metafile.outputs)) {
    for (const { path, external } of output.imports) {
      if (external !== true) continue;
      const name = path.startsWith('node:') ? path.slice('node:'.length) : path;
      if (builtins.has(name)) continue;
      if (allowed.some((pkg) => path === pkg || path.startsWith(`${pkg}/`))) continue;
      unexpected.add(path);
    }
  }
  if (unexpected.size > 0) {
    throw new Error(
      `the bundle imports packages it does not depend on: ${[...unexpected].sort().join(', ')}`,
    );
  }
}
