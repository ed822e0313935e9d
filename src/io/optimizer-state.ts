// Optimizer state dicts between PyTorch's layout and tstorch's. PyTorch's `optimizer.state_dict()` is
// {'state': {0: {'exp_avg': ...}}, 'param_groups': [{'lr': ..., 'betas': (0.9, 0.999), 'params': [0]}]};
// tstorch's has the same structure with camelCase names (see src/optim/optimizer.ts).
import { Tensor } from '../tensor/tensor.js';
import { float32 } from '../tensor/dtype.js';
import { scalarTensor } from '../tensor/factory.js';
import { pytorchName, type OptimizerStateDict, type ParamState } from '../optim/optimizer.js';
import { pyShort, pyTypeOf, type PickleObject, type PickleValue } from './pickle.js';

/** tstorch's name for a PyTorch key: `exp_avg_sq` -> `expAvgSq`, `param_groups` -> `paramGroups`. */
function camelName(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function entriesOf(value: PickleValue | undefined, what: string): [PickleValue, PickleValue][] {
  if (value instanceof Map) return [...value];
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.entries(value as PickleObject);
  }
  throw new TypeError(`optimizerStateDictFromPyTorch: expected ${what} to be a dict`);
}

function keyName(key: PickleValue): string {
  if (typeof key !== 'string') throw new TypeError(`optimizerStateDictFromPyTorch: expected str keys in parameter states and groups, got ${pyTypeOf(key)}`);
  return key;
}

function field(value: PickleValue, key: string): PickleValue | undefined {
  const found = entriesOf(value, 'the state dict').find(([k]) => k === key);
  return found?.[1];
}

/** A PyTorch optimizer state dict (as torch.load returns it) in the form `optimizer.loadStateDict` takes. */
export function optimizerStateDictFromPyTorch(value: PickleValue): OptimizerStateDict {
  const state: Record<number, ParamState> = {};
  for (const [key, entry] of entriesOf(field(value, 'state'), "'state'")) {
    // Only scalars are converted: Number() of a nested list recurses as deep as the list.
    const index = typeof key === 'number' || typeof key === 'string' ? Number(key) : NaN;
    if (!Number.isInteger(index)) throw new TypeError(`optimizerStateDictFromPyTorch: state key ${pyShort(key)} is not a parameter index`);
    const paramState: ParamState = {};
    for (const [name, v] of entriesOf(entry, 'a parameter state')) {
      // PyTorch writes None for buffers not created yet; before 1.12, steps were Python numbers.
      if (v === null) continue;
      if (typeof v === 'number') paramState[camelName(keyName(name))] = scalarTensor(v, float32);
      else if (v instanceof Tensor) paramState[camelName(keyName(name))] = v;
      else throw new TypeError(`optimizerStateDictFromPyTorch: state ${pyShort(name)} of parameter ${index} is not a tensor`);
    }
    state[index] = paramState;
  }
  const groups = field(value, 'param_groups');
  if (!Array.isArray(groups)) throw new TypeError("optimizerStateDictFromPyTorch: expected 'param_groups' to be a list");
  const paramGroups = groups.map((group: PickleValue) => {
    const options: Record<string, unknown> = {};
    for (const [k, v] of entriesOf(group, 'a parameter group')) options[camelName(keyName(k))] = Array.isArray(v) ? [...v] : v;
    if (!Array.isArray(options.params) || !options.params.every((p) => Number.isInteger(p))) {
      throw new TypeError("optimizerStateDictFromPyTorch: a parameter group's 'params' must be a list of indices");
    }
    return options as Record<string, unknown> & { params: number[] };
  });
  return { state, paramGroups };
}

/** `optimizer.stateDict()` in PyTorch's layout, for torch.save files that PyTorch's optimizers load. */
export function optimizerStateDictToPyTorch(stateDict: OptimizerStateDict): PickleObject {
  if (stateDict === null || typeof stateDict !== 'object' || typeof stateDict.state !== 'object' || stateDict.state === null || !Array.isArray(stateDict.paramGroups)) {
    throw new TypeError(`optimizerStateDictToPyTorch: expected an optimizer's stateDict() ({state, paramGroups}), got ${pyTypeOf(stateDict)}`);
  }
  const state = new Map<PickleValue, PickleValue>();
  for (const [key, entry] of Object.entries(stateDict.state)) {
    state.set(Number(key), Object.fromEntries(Object.entries(entry).map(([k, v]) => [pytorchName(k), v])));
  }
  const paramGroups = stateDict.paramGroups.map((group) =>
    Object.fromEntries(
      Object.entries(group).map(([k, v]) => [pytorchName(k), k !== 'params' && Array.isArray(v) ? Object.freeze([...v]) : v]),
    ) as PickleObject,
  );
  return { state, param_groups: paramGroups };
}
