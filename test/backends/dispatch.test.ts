// The backend layer: torch.backends (available, current, use, describe, TSTORCH_BACKEND),
// torch.setNumThreads/getNumThreads, which backend primitives each op reaches with which operands, and
// that a backend declining every primitive still gives PyTorch's recorded values (the JS kernels run).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as torch from 'tstorch';
import type { Tensor } from 'tstorch';
import { jsBackend, type Backend } from '../../src/backends/backend.js';
import { BACKEND_NAMES } from '../../src/backends/registry.js';
import { assertTensorClose, assertThrowsMessage, decodeTensor, decodeValue, loadFixture, type EncodedTensor } from '../helpers.js';
import type { OpCase } from '../ops/harness.js';

const F = torch.nn.functional;
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** Runs an ES module snippet in a fresh Node process at the repository root; its stdout, stderr and status. */
function node(code: string, env: Record<string, string> = {}): { stdout: string; stderr: string; status: number | null } {
  const { TSTORCH_BACKEND: _ignored, ...inherited } = process.env;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: repoRoot, env: { ...inherited, ...env }, encoding: 'utf8' });
  return { stdout: r.stdout.trim(), stderr: r.stderr, status: r.status };
}

/** The first line of the uncaught error a child process printed (Node prints the stack after the source line). */
function childError(stderr: string): string {
  const line = stderr.split('\n').find((l) => /^(Type)?Error: /.test(l));
  assert.ok(line, `no error in:\n${stderr}`);
  return line.replace(/^(Type)?Error: /, '');
}

// ---- torch.backends ----

test('available() lists js and follows the fastest-first order; current() is one of them', () => {
  const available = torch.backends.available();
  assert.ok(available.includes('js'));
  assert.deepEqual(available, BACKEND_NAMES.filter((n) => available.includes(n)));
  assert.ok(available.includes(torch.backends.current()));
  assert.equal(typeof torch.backends.describe(), 'string');
});

test('use() switches the active backend; describe() tells which', () => {
  const before = torch.backends.current();
  try {
    torch.backends.use('js');
    assert.equal(torch.backends.current(), 'js');
    assert.equal(torch.backends.describe(), 'JavaScript reference kernels (single-threaded)');
  } finally {
    torch.backends.use(before);
  }
});

test('use() rejects unknown names', () => {
  assertThrowsMessage(() => torch.backends.use('cuda' as never), "torch.backends.use: expected one of 'native', 'wasm', 'js', got 'cuda'");
  assertThrowsMessage(() => torch.backends.use(3 as never), "torch.backends.use: expected one of 'native', 'wasm', 'js', got 3");
});

test('TSTORCH_BACKEND picks the backend at start-up', () => {
  const r = node("import * as torch from 'tstorch'; console.log(torch.backends.current());", { TSTORCH_BACKEND: 'js' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'js');
  const empty = node("import * as torch from 'tstorch'; console.log(torch.backends.current() === torch.backends.available()[0]);", { TSTORCH_BACKEND: '' });
  assert.equal(empty.stdout, 'true', 'an empty TSTORCH_BACKEND is the default');
});

test('TSTORCH_BACKEND naming an unknown backend is an error at the first op', () => {
  const r = node("import * as torch from 'tstorch'; torch.ones(2).add(1);", { TSTORCH_BACKEND: 'gpu' });
  assert.notEqual(r.status, 0);
  assert.equal(childError(r.stderr), "TSTORCH_BACKEND: expected one of 'native', 'wasm', 'js', got 'gpu'");
});

// A process where the optional backends cannot load: loaders returning null are registered before the
// library's own (the registry takes the first loader of a name).
const WITHOUT_OPTIONAL = `
  const registry = await import('./dist/src/backends/registry.js');
  registry.registerBackendLoader('native', () => null);
  registry.registerBackendLoader('wasm', () => null);
  const torch = await import('tstorch');`;

test('without the optional backends, js is the default and asking for another is an error', () => {
  const r = node(`${WITHOUT_OPTIONAL}
    console.log(JSON.stringify([torch.backends.available(), torch.backends.current()]));
    try { torch.backends.use('wasm'); } catch (e) { console.log(e.message); }`);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.stdout.split('\n'), ['[["js"],"js"]', "torch.backends.use: the 'wasm' backend is not available here (available: js)"]);
  const env = node(`${WITHOUT_OPTIONAL} torch.ones(2).add(1);`, { TSTORCH_BACKEND: 'native' });
  assert.equal(childError(env.stderr), "TSTORCH_BACKEND: the 'native' backend is not available here (available: js)");
});

// ---- threads ----

test('setNumThreads/getNumThreads, with PyTorch 1.13\'s messages for bad counts', () => {
  const before = torch.getNumThreads();
  assert.ok(Number.isInteger(before) && before >= 1);
  try {
    torch.setNumThreads(1);
    assert.equal(torch.getNumThreads(), 1);
    // torch.set_num_threads(0), (-1), (1.5), ('2') in PyTorch 1.13: RuntimeErrors.
    assertThrowsMessage(() => torch.setNumThreads(0), 'set_num_threads expects a positive integer');
    assertThrowsMessage(() => torch.setNumThreads(-1), 'set_num_threads expects a positive integer');
    assertThrowsMessage(() => torch.setNumThreads(2 ** 40), 'set_num_threads expects a positive integer');
    assertThrowsMessage(() => torch.setNumThreads(1.5), 'set_num_threads expects an int, but got float');
    assertThrowsMessage(() => torch.setNumThreads('2' as never), 'set_num_threads expects an int, but got str');
    assert.equal(torch.getNumThreads(), 1, 'a rejected count changes nothing');
  } finally {
    torch.setNumThreads(before);
  }
});

// ---- which primitives ops reach ----

type Primitive = 'gemm' | 'convolutionForward' | 'convolutionTransposeForward' | 'convolutionWeightGrad' | 'maxPool2d' | 'unary' | 'binary' | 'sum';
const PRIMITIVES: readonly Primitive[] = ['gemm', 'convolutionForward', 'convolutionTransposeForward', 'convolutionWeightGrad', 'maxPool2d', 'unary', 'binary', 'sum'];

/**
 * Runs `fn` on the JS backend with every primitive replaced by a spy that records the call (for the
 * named ops `unary:exp:1`, `binary:mul:1,0` with the operands' steps) and then declines (`decline`) or
 * does what the JS backend does (its loops, or declining where it has no such primitive). Returns the
 * calls.
 */
function spyOnPrimitives(decline: boolean, fn: () => void): string[] {
  const calls: string[] = [];
  const before = torch.backends.current();
  const saved = new Map(PRIMITIVES.map((p) => [p, Object.getOwnPropertyDescriptor(jsBackend, p)]));
  const target = jsBackend as unknown as Record<Primitive, (...args: never[]) => unknown>;
  for (const p of PRIMITIVES) {
    const original = jsBackend[p] as ((...args: unknown[]) => unknown) | undefined;
    target[p] = (...args: unknown[]) => {
      calls.push(describeCall(p, args));
      if (decline || original === undefined) return p === 'sum' ? null : false;
      return original(...args);
    };
  }
  try {
    torch.backends.use('js');
    fn();
  } finally {
    for (const [p, descriptor] of saved) {
      if (descriptor) Object.defineProperty(jsBackend, p, descriptor);
      else delete (jsBackend as Partial<Backend>)[p];
    }
    torch.backends.use(before);
  }
  return calls;
}

function describeCall(p: Primitive, args: unknown[]): string {
  const steps = (xs: unknown[]) => xs.map((x) => (x as { step: number }).step).join(',');
  if (p === 'unary') return `unary:${String(args[0])}:${steps([args[1]])}`;
  if (p === 'binary') return `binary:${String(args[0])}:${steps([args[1], args[2]])}`;
  if (p === 'sum') return `sum:${steps([args[0]])}`;
  return p;
}

const f32 = (...values: number[]) => torch.tensor(values, { dtype: torch.float32 });

test('binary ops offer contiguous float operands, scalars and broadcast single values by name', () => {
  const x = f32(1, 2, 3);
  const y = f32(4, 5, 6);
  const calls = spyOnPrimitives(false, () => {
    assert.deepEqual(x.mul(y).tolist(), [4, 10, 18]);
    assert.deepEqual(x.mul(2).tolist(), [2, 4, 6]);
    assert.deepEqual(torch.mul(2, x).tolist(), [2, 4, 6]);
    assert.deepEqual(x.add(f32(1)).tolist(), [2, 3, 4]);
    assert.deepEqual(x.sub(y).tolist(), [-3, -3, -3]);
    assert.deepEqual(torch.rsub(x, 1).tolist(), [0, -1, -2]);
    assert.deepEqual(y.div(x).tolist(), [4, 2.5, 2]);
    assert.deepEqual(torch.maximum(x, f32(2, 2, 2)).tolist(), [2, 2, 3]);
    assert.deepEqual(torch.minimum(x, f32(2, 2, 2)).tolist(), [1, 2, 2]);
    // float32 * float64 computes in float64: the float32 operand is cast first, then offered.
    assert.deepEqual(x.mul(torch.tensor([1, 1, 1], { dtype: torch.float64 })).dtype, torch.float64);
  });
  assert.deepEqual(calls, [
    'binary:mul:1,1', 'binary:mul:1,0', 'binary:mul:0,1', 'binary:add:1,0', 'binary:sub:1,1', 'binary:sub:0,1',
    'binary:div:1,1', 'binary:maximum:1,1', 'binary:minimum:1,1', 'binary:mul:1,1',
  ]);
});

test('ops the backends do not cover run the JS kernels without offering anything', () => {
  const x = f32(1, 2, 3, 4, 5, 6).reshape(2, 3);
  const calls = spyOnPrimitives(false, () => {
    x.add(x, { alpha: 2 }); // alpha-scaled
    x.t().mul(x.t().contiguous()); // a strided operand
    torch.tensor([1, 2], { dtype: torch.int32 }).mul(3); // integers
    x.gt(2); // no backend op (bool result)
    x.pow(1.5); // no backend op (powers by 2 and 3 are products: below)
    x.sum(0); // not a whole sum
    torch.mm(torch.ones(2, 2, { dtype: torch.int64 }), torch.ones(2, 2, { dtype: torch.int64 })); // integer gemm
  });
  assert.deepEqual(calls, []);
});

test('a square, a cube and a clamp by numbers reach the binary primitives (mul; x * x, then times x; maximum and minimum against the bound)', () => {
  const x = f32(-1, 0.5, 2);
  const calls = spyOnPrimitives(false, () => {
    assert.deepEqual(x.pow(2).tolist(), [1, 0.25, 4]);
    assert.deepEqual(x.pow(3).tolist(), [-1, 0.125, 8]);
    assert.deepEqual(x.clamp(0, 1).tolist(), [0, 0.5, 1]);
  });
  assert.deepEqual(calls, ['binary:mul:1,1', 'binary:mul:1,1', 'binary:mul:1,1', 'binary:maximum:1,0', 'binary:minimum:1,0']);
});

test('unary ops, relu backward and whole sums reach their primitives', () => {
  const x = f32(0.5, 1, 2);
  const calls = spyOnPrimitives(false, () => {
    for (const op of ['neg', 'abs', 'exp', 'log', 'sqrt', 'tanh', 'sigmoid', 'relu'] as const) x[op]();
    const w = f32(-1, 2, 3).requiresGrad_();
    w.relu().backward(f32(1, 1, 1));
    assert.deepEqual(w.grad?.tolist(), [0, 1, 1]);
    assert.equal(x.sum().item(), 3.5);
    assert.equal(f32(2).expand(4).sum().item(), 8);
  });
  assert.deepEqual(calls, [
    'unary:neg:1', 'unary:abs:1', 'unary:exp:1', 'unary:log:1', 'unary:sqrt:1', 'unary:tanh:1', 'unary:sigmoid:1', 'unary:relu:1',
    'unary:relu:1', 'binary:reluBackward:1,1', 'sum:1', 'sum:0',
  ]);
});

test('matmul, convolutions and max pooling reach gemm, the convolution primitives and maxPool2d', () => {
  const calls = spyOnPrimitives(false, () => {
    torch.mm(torch.ones(2, 3), torch.ones(3, 2));
    const x = torch.ones(1, 1, 4, 4, { requiresGrad: true });
    const w = torch.ones(1, 1, 2, 2, { requiresGrad: true });
    F.conv2d(x, w).sum().backward();
    F.convTranspose2d(torch.ones(1, 1, 2, 2), torch.ones(1, 1, 2, 2));
    F.maxPool2d(torch.ones(1, 1, 4, 4), 2);
  });
  for (const p of ['gemm', 'convolutionForward', 'convolutionWeightGrad', 'convolutionTransposeForward', 'maxPool2d']) {
    assert.ok(calls.includes(p), `${p} not reached: ${calls.join(' ')}`);
  }
});

// ---- a backend that declines everything: the JS kernels give PyTorch's values ----

interface Extra {
  [key: string]: unknown;
}
type Call = (inputs: Tensor[], e: Extra) => Tensor | Tensor[];

/** Replays the forward values and first-order gradients of the simple cases of `key` in `fixture`. */
function replay(fixture: string, key: string, call: Call, accept: (e: Extra) => boolean = () => true): number {
  const cases = loadFixture<OpCase>(fixture).cases.filter((c) => c.key === key && c.error === undefined && accept((c.extra ?? {}) as Extra));
  for (const [i, c] of cases.entries()) {
    const inputs = c.inputs.map((enc, k) => decodeTensor(enc, { requiresGrad: c.requires_grad[k] }));
    const result = call(inputs, decodeValue(c.extra ?? {}) as Extra);
    const outs = result instanceof torch.Tensor ? [result] : result;
    const expected = Array.isArray(c.out) ? c.out : [c.out as EncodedTensor];
    outs.forEach((o, k) => assertTensorClose(o, expected[k], { message: `${fixture} ${key} #${i} output ${k}` }));
    if (!c.grads) continue;
    const upstream = (c.upstream ?? []).map((u) => decodeTensor(u));
    const grads = torch.autograd.grad(outs.filter((o) => o.requiresGrad), inputs.filter((t) => t.requiresGrad), { gradOutputs: upstream, allowUnused: true });
    c.grads.forEach((want, k) => {
      if (want !== null) assertTensorClose(grads[k] as Tensor, want, { message: `${fixture} ${key} #${i} grad ${k}` });
    });
  }
  return cases.length;
}

/** Cases with operands as recorded (no layout changes, no scalar operand, no options). */
const plain = (e: Extra) => Object.keys(e).length === 0;

test('with every primitive declining, ops give PyTorch\'s recorded values', () => {
  const unary = ['exp', 'log', 'sqrt', 'tanh', 'sigmoid', 'relu', 'neg', 'abs'] as const;
  const binary = { add: torch.add, sub: torch.sub, mul: torch.mul, div: torch.div, maximum: torch.maximum, minimum: torch.minimum };
  let replayed = 0;
  const calls = spyOnPrimitives(true, () => {
    for (const op of unary) replayed += replay('pointwise', op, ([x]) => torch[op](x), plain);
    for (const [op, fn] of Object.entries(binary)) replayed += replay('pointwise', op, ([x, y]) => fn(x, y), plain);
    replayed += replay('reductions', 'sum', ([x]) => torch.sum(x), plain);
    replayed += replay('linalg', 'mm', ([a, b]) => torch.mm(a, b), plain);
    replayed += replay('linalg', 'bmm', ([a, b]) => torch.bmm(a, b), plain);
    const noLayout = (e: Extra) => e.layout === undefined && e.same === undefined && e.valid === undefined;
    const conv = (e: Extra) => ({ stride: e.stride, padding: e.padding, dilation: e.dilation, groups: e.groups }) as torch.nn.functional.ConvOptions;
    replayed += replay('conv', 'conv2d', ([x, w, b], e) => F.conv2d(x, w, b ?? null, conv(e)), noLayout);
    replayed += replay('conv', 'conv_transpose2d', ([x, w, b], e) => F.convTranspose2d(x, w, b ?? null, { ...conv(e), outputPadding: e.output_padding } as torch.nn.functional.ConvTransposeOptions), noLayout);
    replayed += replay('pooling', 'max_pool2d', ([x], e) => F.maxPool2d(x, e.k as number, { stride: e.stride, padding: e.padding, dilation: e.dilation, ceilMode: e.ceil, returnIndices: e.ri } as torch.nn.functional.MaxPoolOptions), (e) => e.layout === undefined);
  });
  assert.ok(replayed > 500, `only ${replayed} cases replayed`);
  for (const p of ['unary', 'binary', 'sum', 'gemm', 'convolutionForward', 'convolutionTransposeForward', 'convolutionWeightGrad', 'maxPool2d']) {
    assert.ok(calls.some((c) => c.startsWith(p)), `${p} was never offered`);
  }
});
