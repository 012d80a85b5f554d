import { createReadStream, existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The page every dashboard route (`/`, `/jobs`, `/jobs/<id>`) answers with. */
const INDEX_FILE = 'index.html';
/** Built assets have content hashes in their names: cache them for a year. */
const IMMUTABLE_PREFIX = '/assets/';
const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable';
const HTTP_OK = 200;
const HTTP_NOT_FOUND = 404;
const HTTP_BAD_REQUEST = 400;
const HTTP_METHOD_NOT_ALLOWED = 405;
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};
const OCTET_STREAM = 'application/octet-stream';

/**
 * Finds the dashboard's built files (`index.html` and `assets/`): the given
 * directory, else `web/dist` of the repository, else `web` beside the
 * front's bundle (the container image). Undefined when none is built: the
 * front then serves the browser API only.
 *
 * @example
 * ```ts
 * const root = findWebRoot(process.env.SLUICE_WEB_ROOT);
 * ```
 */
export function findWebRoot(explicit?: string): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates =
    explicit === undefined
      ? [resolve(here, '../../web/dist'), resolve(here, '../../web')]
      : [resolve(explicit)];
  return candidates.find((dir) => existsSync(join(dir, INDEX_FILE)));
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * An HTTP handler for the dashboard's static files under `root`: a path
 * that names a file gets it (never outside `root`), any other GET gets
 * `index.html` (the dashboard routes itself), other methods 405.
 *
 * @example
 * ```ts
 * const serveStatic = staticFiles('/app/web');
 * ```
 */
export function staticFiles(
  root: string | undefined,
): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(HTTP_METHOD_NOT_ALLOWED, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (root === undefined) {
      response
        .writeHead(HTTP_NOT_FOUND, { 'content-type': 'text/plain; charset=utf-8' })
        .end('the dashboard is not built: run `npm run build:web`\n');
      return;
    }
    let path: string;
    try {
      path = decodeURIComponent(new URL(request.url ?? '/', 'http://front').pathname);
    } catch {
      response.writeHead(HTTP_BAD_REQUEST).end();
      return;
    }
    const candidate = normalize(join(root, path));
    const inside = candidate.startsWith(root + sep);
    void (async () => {
      const found = inside && (await isFile(candidate));
      if (!found && path.startsWith(IMMUTABLE_PREFIX)) {
        response.writeHead(HTTP_NOT_FOUND).end();
        return;
      }
      const file = found ? candidate : join(root, INDEX_FILE);
      response.writeHead(HTTP_OK, {
        'content-type': CONTENT_TYPES[extname(file)] ?? OCTET_STREAM,
        'cache-control': path.startsWith(IMMUTABLE_PREFIX) ? IMMUTABLE_CACHE : 'no-cache',
      });
      if (request.method === 'HEAD') response.end();
      else createReadStream(file).pipe(response);
    })();
  };
}
