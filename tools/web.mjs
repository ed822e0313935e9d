// `npm run web`: bundles the interactive page (web/) with the library from src/ and serves it on
// localhost, printing its URL. Options: --port N (default 8000; 0 picks a free port), --outdir DIR
// (default dist/web), --build-only.
//
// The page and its two workers (the playground's, the training's) are bundled together with code
// splitting: the library, which both workers use, is one shared chunk that the browser fetches once. The output in dist/web is a
// static site (index.html, the bundles, the shipped data) that any file server can host.
import { build } from 'esbuild';
import { browserOptions } from './bundle.mjs';
import { createServer } from 'node:http';
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { extname, join, normalize, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = resolve(fileURLToPath(import.meta.url), '../..');

const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.gz': 'application/gzip',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** Bundles web/src into `outdir` and copies the page's static files; returns the bundles' sizes. */
export async function buildPage(outdir) {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  // The library's browser build options (class names kept, node: modules only behind Node checks).
  await build({
    ...browserOptions(),
    entryPoints: ['main', 'playground-worker', 'training-worker'].map((name) => join(root, `web/src/${name}.ts`)),
    outdir,
    splitting: true,
    minify: true,
  });
  for (const name of ['index.html', 'style.css']) cpSync(join(root, 'web', name), join(outdir, name));
  cpSync(join(root, 'web/data'), join(outdir, 'data'), { recursive: true, filter: (path) => !path.endsWith('.mjs') });
  return bundleSizes(outdir);
}

/** The JavaScript the browser loads (every .js in `outdir`): bytes raw and gzipped. */
export function bundleSizes(outdir) {
  const files = readdirSync(outdir).filter((name) => name.endsWith('.js'));
  const bytes = files.map((name) => readFileSync(join(outdir, name)));
  return {
    files,
    raw: bytes.reduce((sum, b) => sum + b.length, 0),
    gzip: bytes.reduce((sum, b) => sum + gzipSync(b, { level: 9 }).length, 0),
  };
}

/** Serves `outdir` on localhost (127.0.0.1 only); resolves to the URL once listening. */
export function servePage(outdir, port) {
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    const file = normalize(join(outdir, path.endsWith('/') ? `${path}index.html` : path));
    if (!file.startsWith(outdir + sep) || !statSync(file, { throwIfNoEntry: false })?.isFile()) {
      response.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    response.writeHead(200, {
      'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      // Cross-origin isolation lets a WebAssembly backend share memory between threads.
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cache-Control': 'no-cache',
    });
    response.end(readFileSync(file));
  });
  return new Promise((resolvePromise) => {
    server.listen(port, '127.0.0.1', () => resolvePromise(`http://127.0.0.1:${server.address().port}/`));
  });
}

function option(name) {
  const at = process.argv.indexOf(name);
  return at === -1 ? undefined : process.argv[at + 1];
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outdir = resolve(option('--outdir') ?? join(root, 'dist/web'));
  const sizes = await buildPage(outdir);
  const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
  console.log(`built ${relative(process.cwd(), outdir) || '.'}: ${sizes.files.length} scripts, ${kib(sizes.raw)} (${kib(sizes.gzip)} gzipped)`);
  if (!process.argv.includes('--build-only')) {
    const url = await servePage(outdir, Number(option('--port') ?? 8000));
    console.log(`tstorch page: ${url}`);
  }
}
