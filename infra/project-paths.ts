import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUNDLE_ENTRY } from '../container/build/bundle-front.js';

/**
 * The repository root, found from this file rather than the working
 * directory, so `cdk` (run at the root) and jest (run anywhere) bundle and
 * stage the same files.
 */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The npm lockfile esbuild bundling keys on. */
export const LOCK_FILE = join(PROJECT_ROOT, 'package-lock.json');

/** The front's Docker build context (its `.dockerignore` lets only `dist/` in). */
export const CONTAINER_DIR = join(PROJECT_ROOT, 'container');

/**
 * The bundled front the image runs: `npm run build:front` writes it, the
 * Dockerfile copies `container/dist/` to `/app/` and runs `/app/<BUNDLE_ENTRY>`.
 */
export const FRONT_BUNDLE_FILE = join(CONTAINER_DIR, 'dist', BUNDLE_ENTRY);

/** The consumer Lambda's handler module. */
export const CONSUMER_ENTRY = join(PROJECT_ROOT, 'functions/consumer/handler.ts');

/** The dead-letter Lambda's handler module. */
export const DEAD_LETTER_ENTRY = join(PROJECT_ROOT, 'functions/dead-letter/handler.ts');
