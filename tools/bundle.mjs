// The browser build (`npm run build` runs it after tsc): src/index.ts bundled by esbuild into one minified
// ES module, dist/browser/tstorch.js, with its source map and a tstorch.d.ts that points at the package's
// types. A static import of a node: module anywhere in the library fails the bundle, because a browser
// cannot load it; dynamic ones (behind a Node check, never run in a browser) stay external.
// Prints the bundle's size, raw and gzipped (docs/browser.md states them).
import { build } from 'esbuild';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = join(root, 'dist/browser/tstorch.js');

/**
 * Resolves node: modules for a browser bundle. A static import of one becomes its shim when `shims` has
 * one (the browser tests' node:test, node:assert, node:fs) and otherwise fails the build, because a
 * browser cannot load it; dynamic ones, which the library makes only behind a Node check, stay external.
 * @param {Readonly<Record<string, string>>} shims absolute paths of shim modules, by module name
 * @returns {import('esbuild').Plugin}
 */
function nodeModules(shims) {
  return {
    name: 'node-modules',
    setup(b) {
      b.onResolve({ filter: /^node:/ }, (args) => {
        if (args.kind === 'dynamic-import') return { path: args.path, external: true };
        if (Object.hasOwn(shims, args.path)) return { path: shims[args.path] };
        return { errors: [{ text: `${args.path} is imported statically by ${relative(root, args.importer)}; browsers cannot load it (import it dynamically behind a Node check)` }] };
      });
    },
  };
}

/**
 * The esbuild options of every browser build of the library: this bundle and the browser tests' bundles.
 * @param {Readonly<Record<string, string>>} shims see nodeModules
 * @returns {import('esbuild').BuildOptions}
 */
export function browserOptions(shims = {}) {
  return {
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    // Module reprs and error messages name classes by constructor.name, as PyTorch's do by type(self).__name__.
    keepNames: true,
    sourcemap: true,
    logLevel: 'warning',
    plugins: [nodeModules(shims)],
  };
}

/** Bundles the library for browsers; returns the bundle's size in bytes, raw and gzipped. */
export async function bundle() {
  await build({ ...browserOptions(), entryPoints: [join(root, 'src/index.ts')], outfile, minify: true, legalComments: 'none' });
  writeFileSync(join(root, 'dist/browser/tstorch.d.ts'), "export * from '../src/index.js';\n");
  const code = readFileSync(outfile);
  return { raw: code.length, gzip: gzipSync(code, { level: 9 }).length };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { raw, gzip } = await bundle();
  const kib = (n) => `${(n / 1024).toFixed(0)} KiB`;
  console.log(`${relative(process.cwd(), outfile)}: ${kib(raw)} (${kib(gzip)} gzipped)`);
}
