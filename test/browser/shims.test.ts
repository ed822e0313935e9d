// The browser run's shims behave as what they replace: the assert shim passes and fails exactly where
// node:assert/strict does, and the node:test shim reports passes, skips and failures (hooks included) as
// node --test would, so a test that passes in Chromium passes for the same reasons as in Node.
import { test } from 'node:test';
import nodeAssert from 'node:assert/strict';
import shim, { isDeepStrictEqual } from './shims/node-assert.js';
import { after as shimAfter, before as shimBefore, runRegistered, test as shimTest } from './shims/node-test.js';

class Point {
  constructor(readonly x: number) {}
}
class OtherPoint {
  constructor(readonly x: number) {}
}

const sym = Symbol('s');
const DEEP_CASES: Array<[string, unknown, unknown]> = [
  ['same numbers', 1, 1], ['NaN', NaN, NaN], ['0 and -0', 0, -0], ['1 and "1"', 1, '1'], ['1n and 1', 1n, 1], ['bigints', 2n ** 70n, 2n ** 70n],
  ['null and undefined', null, undefined], ['nested arrays', [1, [2, 3]], [1, [2, 3]]], ['longer array', [1, 2], [1, 2, 3]],
  ['undefined and null in arrays', [undefined], [null]], ['holes and undefined', [, 1], [undefined, 1]], ['array and object', [1], { 0: 1 }],
  ['key order', { a: 1, b: 2 }, { b: 2, a: 1 }], ['an extra undefined key', { a: 1 }, { a: 1, b: undefined }],
  ['null prototype', { a: 1 }, Object.assign(Object.create(null) as object, { a: 1 })],
  ['same class', new Point(1), new Point(1)], ['other class', new Point(1), new OtherPoint(1)],
  ['symbol keys', { [sym]: 1 }, { [sym]: 2 }],
  ['Maps', new Map([[1, 'a'], [2, 'b']]), new Map([[2, 'b'], [1, 'a']])], ['Maps differ', new Map([[1, 'a']]), new Map([[1, 'b']])],
  ['Maps with object keys', new Map([[{ k: 1 }, 2]]), new Map([[{ k: 1 }, 2]])], ['Map and object', new Map(), {}],
  ['Sets', new Set([1, 2]), new Set([2, 1])], ['Sets of objects', new Set([{ a: 1 }]), new Set([{ a: 1 }])], ['Sets differ', new Set([1]), new Set([2])],
  ['typed arrays', new Float32Array([1, 2]), new Float32Array([1, 2])], ['typed kinds', new Float32Array([1]), new Float64Array([1])],
  ['typed -0', new Float64Array([0]), new Float64Array([-0])], ['typed NaN', new Float64Array([NaN]), new Float64Array([NaN])],
  ['BigInt64Array', new BigInt64Array([1n]), new BigInt64Array([2n])], ['typed lengths', new Int32Array(2), new Int32Array(3)],
  ['dates', new Date(5), new Date(5)], ['dates differ', new Date(5), new Date(6)], ['regexps', /a/g, /a/g], ['regexp flags', /a/g, /a/i],
  ['errors', new Error('x'), new Error('x')], ['error messages', new Error('x'), new Error('y')], ['error classes', new Error('x'), new TypeError('x')],
];

function passes(check: () => void): boolean {
  try {
    check();
    return true;
  } catch {
    return false;
  }
}

test('assert.deepEqual of the shim agrees with node:assert/strict', () => {
  for (const [name, a, b] of DEEP_CASES) {
    const node = passes(() => nodeAssert.deepEqual(a, b));
    nodeAssert.equal(isDeepStrictEqual(a, b), node, name);
    nodeAssert.equal(passes(() => shim.deepEqual(a, b)), node, name);
  }
});

test('assert.equal, assert.ok and assert() of the shim agree with node:assert/strict', () => {
  for (const [name, a, b] of DEEP_CASES) nodeAssert.equal(passes(() => shim.equal(a, b)), passes(() => nodeAssert.equal(a, b)), name);
  for (const v of [0, 1, '', 'x', null, undefined, NaN, [], 0n]) {
    nodeAssert.equal(passes(() => shim.ok(v)), passes(() => nodeAssert.ok(v)), String(v));
    nodeAssert.equal(passes(() => shim(v)), passes(() => nodeAssert(v)), String(v));
  }
  nodeAssert.throws(() => shim.equal(1, 2, 'the message'), { name: 'AssertionError', message: 'the message' });
});

test('assert.throws of the shim agrees with node:assert/strict', () => {
  const boom = (): never => {
    throw new TypeError('bad thing 42');
  };
  const calm = (): number => 1;
  const cases: Array<[string, () => void, (a: typeof nodeAssert | typeof shim) => void]> = [
    ['anything', boom, (a) => a.throws(boom)], ['no throw', calm, (a) => a.throws(calm)],
    ['matching RegExp', boom, (a) => a.throws(boom, /bad thing \d+/)], ['other RegExp', boom, (a) => a.throws(boom, /good/)],
    ['RegExp on the name', boom, (a) => a.throws(boom, /^TypeError: bad/)],
    ['validator true', boom, (a) => a.throws(boom, (e: unknown) => e instanceof TypeError)], ['validator false', boom, (a) => a.throws(boom, () => false)],
    ['validator truthy', boom, (a) => a.throws(boom, (() => 1) as never)],
    ['class', boom, (a) => a.throws(boom, TypeError)], ['other class', boom, (a) => a.throws(boom, RangeError)],
    ['message', boom, (a) => a.throws(boom, { message: 'bad thing 42' })], ['other message', boom, (a) => a.throws(boom, { message: 'bad' })],
    ['name and RegExp message', boom, (a) => a.throws(boom, { name: 'TypeError', message: /thing/ })],
    ['string message, no throw', calm, (a) => a.throws(calm, 'explained')],
  ];
  for (const [name, , check] of cases) nodeAssert.equal(passes(() => check(shim)), passes(() => check(nodeAssert)), name);
  nodeAssert.throws(() => shim.throws(calm, 'explained'), { name: 'AssertionError', message: 'explained' });
});

test('the node:test shim runs a file\'s hooks and tests in order and reports each test', async () => {
  const order: string[] = [];
  shimBefore(() => order.push('before'));
  shimAfter(() => order.push('after'));
  shimTest('passes', () => order.push('passes'));
  shimTest('fails', () => shim.equal(1, 2));
  shimTest('skips', (t) => t.skip('no reason'));
  shimTest('rejects', async () => {
    await Promise.resolve();
    throw new Error('later');
  });
  const results = await runRegistered('a.test.js');
  nodeAssert.deepEqual(order, ['before', 'passes', 'after']);
  nodeAssert.deepEqual(results.map((r) => [r.file, r.name, r.status]), [
    ['a.test.js', 'passes', 'pass'], ['a.test.js', 'fails', 'fail'], ['a.test.js', 'skips', 'skip'], ['a.test.js', 'rejects', 'fail'],
  ]);
  nodeAssert.match(results[3].detail ?? '', /^Error: later/);
  nodeAssert.deepEqual(await runRegistered('empty.test.js'), [], 'each file runs only what it registered');
});

test('a failing before hook fails every test of its file, as in node --test', async () => {
  shimBefore(() => {
    throw new Error('no setup');
  });
  shimTest('one', () => undefined);
  shimTest('two', () => undefined);
  const results = await runRegistered('b.test.js');
  nodeAssert.deepEqual(results.map((r) => r.status), ['fail', 'fail']);
  nodeAssert.match(results[0].detail ?? '', /^before hook failed: Error: no setup/);
  nodeAssert.throws(() => shimTest('options', {} as never), /supports test\(name, fn\) only/);
});
