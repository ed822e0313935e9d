// Replays the calls that tools/golden/gen_robustness.py writes as data: a torch function or a Tensor
// method by its Python name, positional arguments, and keyword arguments (passed as the trailing
// options object). Names and keywords become camelCase; `__getitem__` is `index`.
import * as torch from 'tstorch';
import type { Tensor } from 'tstorch';
import type { OpCall } from '../ops/harness.js';

export interface RecordedCall {
  fn?: string;
  method?: string;
  args?: unknown[];
  kw?: Record<string, unknown>;
}

type AnyFunction = (...args: unknown[]) => unknown;

function camel(name: string): string {
  if (name === '__getitem__') return 'index';
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function tail(call: RecordedCall): unknown[] {
  const kw = call.kw ?? {};
  const options = Object.fromEntries(Object.entries(kw).map(([k, v]) => [camel(k), v]));
  return [...(call.args ?? []), ...(Object.keys(options).length > 0 ? [options] : [])];
}

/** `torch.a.b_c` as torch.a.bC. */
function resolve(path: string): AnyFunction {
  const parts = path.split('.').slice(1);
  let target: unknown = torch;
  for (const p of parts) target = (target as Record<string, unknown>)[camel(p)];
  if (typeof target !== 'function') throw new Error(`no function ${path} in tstorch`);
  return target as AnyFunction;
}

export const recordedCalls: Record<string, OpCall> = {
  fn: (inputs, call: RecordedCall) => resolve(call.fn as string)(...inputs, ...tail(call)) as Tensor,
  method: (inputs, call: RecordedCall) => {
    const [self, ...rest] = inputs;
    const m = (self as unknown as Record<string, AnyFunction>)[camel(call.method as string)];
    return m.call(self, ...rest, ...tail(call)) as Tensor;
  },
};
