// Builds the front's container bundle: `tsx container/build/bundle-front-main.ts [outDir]`
// (default container/dist, the Docker build context's input). Prints the entry file.
import { fileURLToPath } from 'node:url';
import { bundleFront } from './bundle-front.js';

const outDir = process.argv[2] ?? fileURLToPath(new URL('../dist', import.meta.url));
const entry = await bundleFront({ outDir });
process.stdout.write(`${entry}\n`);
