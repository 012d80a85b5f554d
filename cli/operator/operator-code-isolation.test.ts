import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';

// The repository's sluice: the job commands and the operator's (the client's has no operator code at all).
const CLI_MAIN = fileURLToPath(new URL('../operator-main.ts', import.meta.url));
const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Files and packages of a CLI bundle's graph, split by how the entry reaches them. */
interface ModuleGraph {
  /** Loaded at start-up, by every command. */
  staticInputs: Set<string>;
  staticPackages: Set<string>;
  /** Loaded by any command (dynamic imports included). */
  allPackages: Set<string>;
}

async function cliModuleGraph(): Promise<ModuleGraph> {
  const { metafile } = await build({
    entryPoints: [CLI_MAIN],
    absWorkingDir: PROJECT_ROOT,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    packages: 'external',
    outdir: 'cli-graph',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const outputs: Metafile['outputs'] = metafile.outputs;
  const graph: ModuleGraph = {
    staticInputs: new Set(),
    staticPackages: new Set(),
    allPackages: new Set(),
  };
  for (const output of Object.values(outputs)) {
    for (const imported of output.imports)
      if (imported.external) graph.allPackages.add(imported.path);
  }
  const entry = Object.keys(outputs).find((path) => outputs[path]?.entryPoint !== undefined);
  const pending = entry === undefined ? [] : [entry];
  const seen = new Set<string>();
  while (pending.length > 0) {
    const path = pending.pop() as string;
    if (seen.has(path)) continue;
    seen.add(path);
    const output = outputs[path];
    if (output === undefined) continue;
    for (const input of Object.keys(output.inputs)) graph.staticInputs.add(input);
    for (const imported of output.imports) {
      if (imported.kind !== 'import-statement') continue;
      if (imported.external) graph.staticPackages.add(imported.path);
      else pending.push(imported.path);
    }
  }
  return graph;
}

describe('the CLI’s module graph', () => {
  it('loads the AWS SDK and the key and AWS code only for `sluice keys`, never for the job commands', async () => {
    const graph = await cliModuleGraph();
    // The operator's commands do use the SDK (else this test could not fail)...
    expect([...graph.allPackages].some((name) => name.startsWith('@aws-sdk/'))).toBe(true);
    // ...but nothing the job commands load at start-up does.
    expect([...graph.staticPackages].filter((name) => name.startsWith('@aws-sdk/'))).toEqual([]);
    expect(
      [...graph.staticInputs].filter(
        (input) =>
          input.startsWith('cli/operator/') ||
          input.startsWith('core/keys/') ||
          input.startsWith('core/aws/') ||
          input.startsWith('container/'),
      ),
    ).toEqual([]);
  });

  it('keeps the operator’s key commands free of container/ code', async () => {
    const { metafile } = await build({
      entryPoints: [fileURLToPath(new URL('./keys-command.ts', import.meta.url))],
      absWorkingDir: PROJECT_ROOT,
      bundle: true,
      format: 'esm',
      platform: 'node',
      packages: 'external',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(metafile.inputs);
    expect(inputs).toContain('core/keys/api-key-store.ts');
    expect(inputs.filter((input) => input.startsWith('container/'))).toEqual([]);
  });
});
