// Every exported function, class and Tensor method, called with bad arguments (strings, undefined, null, NaN,
// non-integer and out-of-range dims and sizes, huge sizes, tensors of every dtype, shapes that do not
// broadcast, empty and 0-dim tensors): each call must return a well-formed result or throw an Error of
// the library's own making, never an error the JavaScript engine raised inside the library, never
// accept a string that PyTorch rejects, never hang, and never leave the global state changed after
// it throws. The API is enumerated from the module namespace and Tensor.prototype, so new exports are
// walked without being listed here. What PyTorch's messages are for such calls is checked against
// recorded PyTorch output in bad-arguments.test.ts, nn-functional-arguments.test.ts and
// nn-data-arguments.test.ts.
//
// This file walks the functions and constructors; api-validation-methods.test.ts the Tensor methods; api-layouts.test.ts
// compares strided and contiguous inputs. The walk itself is api-walker.ts, run in worker threads by
// api-walk-worker.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from 'tstorch';
import { CLASS_NAMESPACES, FUNCTION_GROUPS, checkGroup, functionsOf, isClass, tensorMethods, type Group } from './api-walk-worker.js';

// Every group: each function and class checks its arguments (api-walk-report.js lists a group's failing
// calls while one is being fixed).
const GROUPS: readonly Group[] = ['torch', 'linalg', 'autograd', 'functional', 'nnFunctional', 'backends', 'nnInit', 'nnUtils', 'data', 'constructors', 'misc', 'io'];

for (const group of GROUPS) test(`bad arguments: the ${group} group`, () => checkGroup(group));

test('the walk covers the exported API', () => {
  const methods = tensorMethods();
  for (const name of ['add', 'sum', 'view', 'index', 'setIndex', 'backward', 'softmax', 'scatter_', 'to']) {
    assert.ok(methods.includes(name), name);
  }
  assert.ok(functionsOf(torch, '').length > 150);
});

/** The namespaces below `root` (plain objects and modules, not tensors, dtypes or classes), with their paths. */
function namespacesBelow(root: object, path: string, found = new Map<object, string>()): Map<object, string> {
  found.set(root, path);
  for (const [name, value] of Object.entries(root)) {
    const isNamespace = typeof value === 'object' && value !== null && !found.has(value) &&
      (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null);
    if (isNamespace) namespacesBelow(value, `${path}.${name}`, found);
  }
  return found;
}

test('every namespace with functions or classes is walked', () => {
  const walkedFunctions = new Set<object>(Object.values(FUNCTION_GROUPS).flatMap((namespaces) => namespaces.map(([ns]) => ns)));
  const walkedClasses = new Set<object>(CLASS_NAMESPACES.map(([ns]) => ns));
  for (const [ns, path] of namespacesBelow(torch, 'torch')) {
    const values = Object.values(ns);
    if (values.some((v) => typeof v === 'function' && !isClass(v))) assert.ok(walkedFunctions.has(ns), `the functions of ${path}`);
    if (values.some(isClass)) assert.ok(walkedClasses.has(ns), `the classes of ${path}`);
  }
});
