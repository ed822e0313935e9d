#!/usr/bin/env node
// Builds the native backend's addon (binding.gyp) at install time, and answers binding.gyp's questions
// about the system BLAS.
//
//   node tools/build-native.mjs                 build with node-gyp; never fails the installation
//   node tools/build-native.mjs detect blas     "openblas", "accelerate" or "none"
//   node tools/build-native.mjs detect include  the directory holding OpenBLAS's cblas.h
//   node tools/build-native.mjs detect libdir   the directory holding libopenblas
//
// Environment: TSTORCH_NO_BLAS=1 builds without BLAS (the addon's own GEMM); TSTORCH_SKIP_NATIVE=1
// skips the build. Nothing is ever downloaded: without Node's headers on this machine (node_api.h,
// found beside the node executable or through npm's nodedir setting) the build is skipped.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const enabled = (name) => !!process.env[name] && process.env[name] !== '0';

/** Debian's and Ubuntu's multiarch directory for this architecture. */
const multiarch = { x64: 'x86_64-linux-gnu', arm64: 'aarch64-linux-gnu', arm: 'arm-linux-gnueabihf' }[process.arch] ?? '';

const includeDirs = [
  `/usr/include/${multiarch}`, '/usr/include/openblas', '/usr/include', '/usr/local/include',
  '/usr/local/include/openblas', '/opt/homebrew/opt/openblas/include', '/usr/local/opt/openblas/include',
];
const libDirs = [
  `/usr/lib/${multiarch}`, '/usr/lib64', '/usr/lib', '/usr/local/lib', '/opt/homebrew/opt/openblas/lib', '/usr/local/opt/openblas/lib',
];

/** OpenBLAS's cblas.h (it comes with openblas_config.h, unlike the reference BLAS's) and its library. */
function findOpenBlas() {
  const include = includeDirs.find((d) => existsSync(join(d, 'cblas.h')) && existsSync(join(d, 'openblas_config.h')));
  const libdir = libDirs.find((d) => ['libopenblas.so', 'libopenblas.dylib'].some((f) => existsSync(join(d, f))));
  return include && libdir ? { include, libdir } : null;
}

function detect(what) {
  if (enabled('TSTORCH_NO_BLAS')) return what === 'blas' ? 'none' : '';
  if (process.platform === 'darwin') return what === 'blas' ? 'accelerate' : '';
  const found = findOpenBlas();
  if (what === 'blas') return found ? 'openblas' : 'none';
  return found?.[what] ?? '';
}

/** node-gyp: the one npm runs scripts with, else the copy bundled with npm beside this node. */
function findNodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    join(dirname(process.execPath), '../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js'),
  ];
  return candidates.find((p) => p && existsSync(p));
}

/** A directory with Node's headers (include/node/node_api.h) on this machine, so node-gyp downloads nothing. */
function findNodeDir() {
  const candidates = [process.env.npm_config_nodedir, resolve(dirname(process.execPath), '..')];
  return candidates.find((d) => d && existsSync(join(d, 'include/node/node_api.h')));
}

const FALLBACK = 'tstorch will use the WebAssembly or JavaScript kernels';

/** Whether `command` (with its leading words, as CXX may hold "ccache g++") runs. */
function runs(command) {
  const [program, ...args] = command.trim().split(/\s+/);
  return spawnSync(program, [...args, '--version'], { stdio: 'ignore' }).status === 0;
}

/** What the build lacks on this machine (node-gyp's MSVC lookup on Windows is left to node-gyp). */
function missingTools() {
  if (process.platform === 'win32') return null;
  if (!runs(process.env.CXX ?? 'c++')) return `no C++ compiler (${process.env.CXX ?? 'c++'})`;
  if (!runs(process.env.MAKE ?? 'make')) return 'no make';
  if (!runs(process.env.PYTHON ?? 'python3')) return 'no Python 3, which node-gyp runs';
  return null;
}

function build() {
  if (enabled('TSTORCH_SKIP_NATIVE')) return `native addon skipped (TSTORCH_SKIP_NATIVE); ${FALLBACK}`;
  const nodeGyp = findNodeGyp();
  if (!nodeGyp) return `native addon not built (node-gyp not found); ${FALLBACK}`;
  const nodedir = findNodeDir();
  if (!nodedir) return `native addon not built (no Node headers on this machine, and none are downloaded); ${FALLBACK}`;
  const missing = missingTools();
  if (missing) return `native addon not built (${missing}); ${FALLBACK}`;
  const result = spawnSync(process.execPath, [nodeGyp, 'rebuild', `--nodedir=${nodedir}`, '--jobs=max'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, npm_config_nodedir: nodedir },
  });
  if (result.status !== 0) {
    if (enabled('TSTORCH_NATIVE_VERBOSE')) process.stderr.write(`${result.stdout ?? ''}${result.stderr ?? ''}`);
    return `native addon not built (node-gyp failed; TSTORCH_NATIVE_VERBOSE=1 shows its log); ${FALLBACK}`;
  }
  try {
    const addon = createRequire(import.meta.url)(join(root, 'build/Release/tstorch.node'));
    const info = addon.info();
    return `native backend built: ${info.blas ? `${info.blas} GEMM` : 'own GEMM (no BLAS)'}, ${info.kernels} kernels`;
  } catch (error) {
    return `native addon built but does not load (${error.message.split('\n')[0]}); ${FALLBACK}`;
  }
}

if (process.argv[2] === 'detect') {
  process.stdout.write(detect(process.argv[3] ?? 'blas'));
} else {
  console.log(`tstorch: ${build()}`);
}
