// A static file server for the browser tests: the repository over HTTP on a free localhost port, so that
// a page can import the bundles and fetch the fixtures, as from any web server, plus files built in
// memory (the test bundles: several test runs may share a working tree, so they never write them to
// disk). "/" is an empty page to run scripts in.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
};

const BLANK_PAGE = '<!doctype html><meta charset="utf-8"><title>tstorch</title>';

export interface StaticServer {
  /** The server's origin, e.g. http://127.0.0.1:40123 */
  readonly origin: string;
  close(): Promise<void>;
}

/** Serves `directory`, and `inMemory` (contents by URL path) over it. */
export async function serve(directory: string, inMemory: ReadonlyMap<string, Uint8Array> = new Map()): Promise<StaticServer> {
  const root = resolve(directory);
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    if (path === '/') {
      response.writeHead(200, { 'content-type': CONTENT_TYPES['.html'] }).end(BLANK_PAGE);
      return;
    }
    const built = inMemory.get(path);
    if (built !== undefined) {
      response.writeHead(200, { 'content-type': CONTENT_TYPES[extname(path)] ?? 'application/octet-stream' }).end(built);
      return;
    }
    const file = normalize(join(root, path));
    if (!file.startsWith(root + sep)) {
      response.writeHead(403).end();
      return;
    }
    readFile(file).then(
      (body) => response.writeHead(200, { 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' }).end(body),
      () => response.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the test server has no TCP address');
  return {
    origin: `http://127.0.0.1:${address.port}`,
    close: () => new Promise((resolve, reject) => {
      server.closeAllConnections();
      server.close((e) => (e ? reject(e) : resolve()));
    }),
  };
}
