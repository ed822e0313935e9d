// nn.Module, nn.Parameter, the containers and nn.utils against PyTorch (test/golden/nn_core.json,
// tools/golden/gen_nn_core.py): registration order, traversal names, state_dict keys, load_state_dict
// and registration errors, hooks, modes, dtype conversion, container operations, gradient clipping.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as torch from 'tstorch';
import type { Tensor } from 'tstorch';
import { assertTensorClose, decodeTensor, decodeValue, loadFixture, type EncodedTensor } from '../helpers.js';
import { Net, ParamHolder, sequentialModel } from './models.js';

const nn = torch.nn;

interface ClipCase {
  kind: 'norm' | 'value' | 'nonfinite' | 'empty' | 'to_vector';
  max_norm?: number;
  norm_type?: number | string;
  clip_value?: number;
  grads?: EncodedTensor[];
  total?: EncodedTensor;
  clipped?: EncodedTensor[];
  error?: string;
  params?: EncodedTensor[];
  vector?: EncodedTensor;
}

interface Cases {
  modules: Record<string, unknown>;
  clip: ClipCase[];
}

const cases = loadFixture<never>('nn_core').cases as unknown as Cases;
const M = cases.modules;
const expected = <T>(key: string): T => {
  assert.ok(key in M, `no recorded case ${key}`);
  return M[key] as T;
};

function throwsMessage(fn: () => unknown, key: string): void {
  const message = expected<string>(key);
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof Error);
    assert.equal(e.message, message, key);
    return true;
  });
}

const names = (pairs: [string, unknown][]): string[] => pairs.map(([n]) => n);

class Shared extends nn.Module {
  a = new nn.Linear(2, 2);
  b = this.a;
  c = new nn.Sequential(this.a, new nn.Linear(2, 1));
  w = new nn.Parameter(torch.ones(1));
  w2 = this.w;
}

test('traversal names and state_dict keys', () => {
  torch.manualSeed(0);
  const net = new Net();
  assert.deepEqual([...net.stateDict().keys()], expected('net_state_keys'));
  assert.deepEqual(names(net.namedParameters()), expected('net_named_parameters'));
  assert.deepEqual(names(net.namedBuffers()), expected('net_named_buffers'));
  assert.deepEqual(names(net.namedModules()), expected('net_named_modules'));
  assert.deepEqual(names(net.namedChildren()), expected('net_named_children'));
  assert.deepEqual(names(net.namedParameters({ prefix: 'model' })), expected('net_named_parameters_prefix'));
  assert.deepEqual(names(net.namedParameters({ recurse: false })), expected('net_named_parameters_norecurse'));
  assert.deepEqual(names(net.namedBuffers({ recurse: false })), expected('net_named_buffers_norecurse'));
  assert.equal(net.parameters().length, 5);
  assert.equal(net.children().length, 5);
  assert.equal(net.modules()[0], net);
});

test('shared modules and parameters are listed once (unless removeDuplicate is false)', () => {
  const shared = new Shared();
  assert.deepEqual(names(shared.namedParameters()), expected('shared_named_parameters'));
  assert.deepEqual(names(shared.namedParameters({ removeDuplicate: false })), expected('shared_named_parameters_all'));
  assert.deepEqual(names(shared.namedModules()), expected('shared_named_modules'));
  assert.deepEqual(names(shared.namedModules({ removeDuplicate: false })), expected('shared_named_modules_all'));
  assert.deepEqual(names(shared.namedChildren()), expected('shared_named_children'));
  assert.deepEqual([...shared.stateDict().keys()], expected('shared_state_keys'));
});

test('loadStateDict: PyTorch error text for missing, unexpected and mis-sized keys', () => {
  const lin = (): torch.nn.Linear => new nn.Linear(3, 2);
  const sd = lin().stateDict();
  throwsMessage(() => lin().loadStateDict({ weight: sd.get('weight') as Tensor }), 'load_missing');
  throwsMessage(() => lin().loadStateDict(new Map([...sd, ['extra', torch.ones(1)], ['sub.x', torch.ones(1)]])), 'load_unexpected');
  throwsMessage(() => lin().loadStateDict({ weight: torch.ones(3, 3), bias: torch.ones(2) }), 'load_size');
  throwsMessage(() => lin().loadStateDict({ weight: torch.ones(2, 2), foo: torch.ones(1) }), 'load_all');
  throwsMessage(() => new Net().loadStateDict({ 'fc1.weight': torch.ones(12, 16), 'heads.c.weight': torch.ones(1) }), 'load_nested');
  throwsMessage(() => lin().loadStateDict([1, 2] as never), 'load_not_dict');
  const res = lin().loadStateDict({ weight: torch.ones(2, 3), foo: torch.ones(1) }, { strict: false });
  const nonstrict = expected<{ missing: string[]; unexpected: string[]; repr: string }>('load_nonstrict');
  assert.deepEqual(res.missingKeys, nonstrict.missing);
  assert.deepEqual(res.unexpectedKeys, nonstrict.unexpected);
  assert.equal(String(res), nonstrict.repr);
  assert.equal(String(lin().loadStateDict(sd)), expected('load_ok_repr'));
});

test('loadStateDict copies values (cast to the parameter dtype) into the same parameters', () => {
  const m = new nn.Linear(3, 2);
  const weight = m.weight;
  m.loadStateDict({ weight: torch.arange(6).reshape(2, 3).double(), bias: torch.tensor([1.5, -1.0]) });
  const v = expected<{ weight: EncodedTensor; bias: EncodedTensor; requires_grad: boolean }>('load_values');
  assert.equal(m.weight, weight);
  assertTensorClose(m.weight, v.weight);
  assertTensorClose(m.bias as Tensor, v.bias);
  assert.equal(m.weight.requiresGrad, v.requires_grad);
});

test('a state dict round-trips between two models', () => {
  torch.manualSeed(1);
  const a = new Net();
  const b = new Net();
  b.loadStateDict(a.stateDict());
  for (const [k, t] of a.stateDict()) assert.deepEqual((b.stateDict().get(k) as Tensor).tolist(), t.tolist());
  assert.equal(a.stateDict().get('fc1.weight')?.requiresGrad, false);
  assert.equal(a.stateDict({ keepVars: true }).get('fc1.weight'), a.fc1.weight);
});

test('assignment and registration errors are PyTorch\'s', () => {
  const m = new nn.Linear(3, 2) as torch.nn.Linear & Record<string, unknown>;
  throwsMessage(() => (m.weight = torch.ones(2, 3) as torch.nn.Parameter), 'set_param_tensor');
  const seq = new nn.Sequential(new nn.Linear(1, 1));
  throwsMessage(() => Reflect.set(seq, '0', 3), 'set_module_int');
  m.registerBuffer('buf', torch.zeros(1));
  throwsMessage(() => (m.buf = 3), 'set_buffer_int');
  throwsMessage(() => m.registerBuffer('a.b', torch.zeros(1)), 'register_buffer_dot');
  throwsMessage(() => m.registerBuffer('', torch.zeros(1)), 'register_buffer_empty');
  throwsMessage(() => m.registerBuffer('weight', torch.zeros(1)), 'register_buffer_exists');
  throwsMessage(() => m.registerBuffer('x', 3 as never), 'register_buffer_type');
  throwsMessage(() => m.registerParameter('a.b', null), 'register_parameter_dot');
  throwsMessage(() => m.registerParameter('', null), 'register_parameter_empty');
  throwsMessage(() => m.registerParameter('buf', null), 'register_parameter_exists');
  throwsMessage(() => m.registerParameter('x', torch.ones(1) as never), 'register_parameter_type');
  throwsMessage(() => m.registerParameter('x', new nn.Parameter(torch.ones(1)).mul(2) as never), 'register_parameter_nonleaf');
  throwsMessage(() => m.registerModule('a.b', null), 'register_module_dot');
  throwsMessage(() => m.registerModule('', null), 'register_module_empty');
  throwsMessage(() => m.registerModule('bias', null), 'register_module_exists');
  throwsMessage(() => m.addModule('x', 3 as never), 'register_module_type');
  throwsMessage(() => new nn.Module().call(1), 'forward_missing');
  throwsMessage(() => new nn.Linear(3, 2).train(1 as never), 'train_not_bool');
  throwsMessage(() => new nn.Linear(3, 2).to(torch.int64), 'to_int');
});

test('assignment registers in order; null keeps the slot; delete unregisters', () => {
  const m = new nn.Linear(3, 2) as torch.nn.Linear & Record<string, unknown>;
  m.bias = null;
  assert.deepEqual([...m.stateDict().keys()], expected('set_none_state_keys'));
  assert.deepEqual(names(m.namedParameters()), expected('set_none_named_parameters'));
  m.bias = new nn.Parameter(torch.zeros(2));
  m.extra = new nn.Parameter(torch.zeros(1));
  m.sub = new nn.Linear(1, 1);
  assert.deepEqual([...m.stateDict().keys()], expected('set_order_state_keys'));
  delete (m as Record<string, unknown>).weight;
  assert.deepEqual([...m.stateDict().keys()], expected('del_state_keys'));
  assert.equal('weight' in m, false);
  m.registerBuffer('buf', torch.zeros(1));
  m.buf = new nn.Parameter(torch.ones(1));
  m.sub = new nn.Parameter(torch.ones(1));
  assert.deepEqual([...m.stateDict().keys()], expected('moved_state_keys'));
  assert.deepEqual(names(m.namedBuffers()), expected('moved_named_buffers'));
  assert.deepEqual(names(m.namedChildren()), expected('moved_named_children'));
  assert.ok(m.sub instanceof nn.Parameter);
});

test('a plain value assigned to a module stays a plain property', () => {
  const m = new nn.Module() as torch.nn.Module & Record<string, unknown>;
  m.count = 3;
  m.t = torch.ones(1);
  assert.equal(m.count, 3);
  assert.equal(m.stateDict().size, 0);
  assert.deepEqual(m.buffers(), []);
});

test('forward hooks: order, prepend, argument and output replacement, removal', () => {
  const events: string[] = [];
  const m = new nn.Linear(2, 2);
  const h1 = m.registerForwardPreHook(() => void events.push('pre1'));
  m.registerForwardPreHook((_mod, args) => {
    events.push('pre2');
    return [(args[0] as Tensor).mul(0)];
  });
  m.registerForwardPreHook(() => void events.push('pre0'), { prepend: true });
  m.registerForwardHook(() => void events.push('post1'));
  m.registerForwardHook((_mod, _args, o) => {
    events.push('post2');
    return (o as Tensor).add(1);
  });
  m.registerForwardHook(() => void events.push('post0'), { prepend: true });
  const y1 = m.call(torch.ones(1, 2));
  h1.remove();
  events.push('removed');
  m.call(torch.ones(1, 2));
  const rec = expected<{ events: string[]; out: EncodedTensor }>('hooks');
  assert.deepEqual(events, rec.events);
  assertTensorClose(y1.sub(m.bias as Tensor), rec.out);
  // forward() alone runs no hooks.
  events.length = 0;
  m.forward(torch.ones(1, 2));
  assert.deepEqual(events, []);
});

test('a forward hook with alwaysCall runs when forward throws', () => {
  const m = new nn.Linear(2, 2);
  const seen: unknown[] = [];
  m.registerForwardHook((_m, _a, o) => void seen.push(o), { alwaysCall: true });
  assert.throws(() => m.call(torch.ones(3)));
  assert.deepEqual(seen, [undefined]);
});

test('train/eval set training on every module; requiresGrad_, zeroGrad, apply', () => {
  const net = new Net();
  net.eval();
  assert.deepEqual(net.modules().map((m) => m.training), expected('eval_training'));
  net.train();
  assert.deepEqual(net.modules().map((m) => m.training), expected('train_training'));

  const m = new nn.Linear(3, 2);
  m.call(torch.ones(1, 3)).sum().backward();
  m.zeroGrad({ setToNone: false });
  (expected<EncodedTensor[]>('zero_grad_false')).forEach((g, i) => assertTensorClose(m.parameters()[i].grad as Tensor, g));
  m.zeroGrad();
  assert.deepEqual(m.parameters().map((p) => p.grad === null), expected('zero_grad_default_none'));

  const frozen = new Net().requiresGrad_(false);
  assert.deepEqual(frozen.parameters().map((p) => p.requiresGrad), expected('requires_grad_false'));

  const visited: string[] = [];
  new Net().apply((mod) => void visited.push(mod.constructor.name));
  assert.deepEqual(visited, expected('apply_order'));
});

test('double() and to(dtype) convert floating-point parameters and buffers, keeping the Parameter objects', () => {
  const m = new Net();
  const weight = m.fc1.weight;
  m.double();
  assert.equal(m.fc1.weight, weight);
  assert.deepEqual([...m.stateDict()].map(([n, t]) => [n, t.dtype.name]), expected('double_dtypes'));
  const n = new Net();
  n.registerBuffer('count', torch.zeros(1, { dtype: torch.int64 }));
  n.to(torch.float64);
  assert.deepEqual([...n.stateDict()].map(([k, t]) => [k, t.dtype.name]), expected('to_dtypes'));
  // A converted model still trains: its gradients have the new dtype.
  m.call(torch.ones(1, 16, { dtype: torch.float64 })).sum().backward();
  assert.equal(m.fc1.weight.grad?.dtype, torch.float64);
});

test('nn.Parameter: repr, requires grad by default even under noGrad, shares the data', () => {
  torch.manualSeed(0);
  const p = new nn.Parameter(torch.randn(2, 2));
  assert.equal(String(p), expected('parameter_repr'));
  assert.equal(torch.noGrad(() => new nn.Parameter(torch.ones(1)).requiresGrad), expected('parameter_no_grad_requires_grad'));
  assert.equal(String(new nn.Parameter(torch.ones(2), false)), expected('parameter_frozen_repr'));
  const data = torch.zeros(2);
  const q = new nn.Parameter(data);
  data.fill_(3);
  assert.deepEqual(q.tolist(), [3, 3]);
  assert.ok(q instanceof torch.Tensor);
  assert.equal(q.isLeaf, true);
  assert.equal(q.mul(2) instanceof nn.Parameter, false);
});

test('Sequential: indexing, slicing, deletion (renumbered), insertion', () => {
  const seq = sequentialModel();
  assert.equal(String(seq.slice(1, 3)), expected('sequential_slice_repr'));
  assert.equal(String(seq.at(-1)), expected('sequential_neg_repr'));
  assert.equal(seq[0], seq.at(0));
  throwsMessage(() => seq.at(4), 'sequential_index_error');
  seq.deleteAt(1);
  assert.deepEqual([...seq._modules.keys()], expected('sequential_del_keys'));
  assert.equal(String(seq), expected('sequential_del_repr'));
  seq.append(new nn.Identity());
  seq.insert(1, new nn.Flatten());
  assert.equal(String(seq), expected('sequential_insert_repr'));
  assert.equal(seq.length, 5);
  assert.equal([...seq].length, 5);
  const named = new nn.Sequential(new Map<string, torch.nn.Module>([['a', new nn.Identity()], ['b', new nn.Flatten()], ['c', new nn.Identity()]]));
  named.deleteAt(1);
  assert.deepEqual([...named._modules.keys()], expected('sequential_named_del_keys'));
});

test('ModuleList and ModuleDict operations', () => {
  const ml = new nn.ModuleList([new nn.Linear(1, 1), new nn.Identity(), new nn.Flatten()]);
  assert.equal(String(ml.slice(1)), expected('module_list_slice_repr'));
  ml.insert(1, new nn.Linear(2, 2));
  ml.append(new nn.Linear(1, 1));
  ml.deleteAt(0);
  assert.equal(String(ml), expected('module_list_ops_repr'));
  throwsMessage(() => ml.at(7), 'module_list_index_error');
  throwsMessage(() => new nn.ModuleList().extend(3 as never), 'module_list_extend_error');
  assert.equal(ml.parameters().length, 4);

  const md = new nn.ModuleDict({ b: new nn.Identity(), a: new nn.Flatten() });
  md.set('c', new nn.Linear(1, 1));
  md.pop('b');
  md.update([['d', new nn.Identity()]]);
  assert.deepEqual(md.keys(), expected('module_dict_keys'));
  assert.equal(String(md), expected('module_dict_repr'));
  throwsMessage(() => md.set('keys', new nn.Identity()), 'module_dict_keys_error');
  assert.equal(md.get('c'), (md as unknown as Record<string, unknown>).c);
});

test('ParameterList and ParameterDict register their tensors as parameters', () => {
  const holder = new ParamHolder();
  assert.deepEqual([...holder.stateDict().keys()], expected('parameter_holder_state_keys'));
  assert.deepEqual(names(holder.namedParameters()), expected('parameter_holder_named_parameters'));
  assert.ok(holder.plist.at(-1) instanceof nn.Parameter);
  assert.deepEqual(holder.plist.at(-1).shape, [2, 2]);
  assert.equal(holder.pdict.get('y'), [...holder.pdict.values()][1]);
  const pd = new nn.ParameterDict();
  throwsMessage(() => pd.set(3 as never, new nn.Parameter(torch.ones(1))), 'parameter_dict_key_error');
  throwsMessage(() => pd.set('x.y', new nn.Parameter(torch.ones(1))), 'parameter_dict_dot_error');
  throwsMessage(() => new nn.ParameterList([torch.ones(1)]).at(3), 'parameter_list_index_error');
});

test('Dropout is active in train mode and the identity in eval mode', () => {
  const d = new nn.Dropout(0.5);
  const x = torch.ones(100);
  torch.manualSeed(0);
  const y = d.call(x);
  assert.ok((y.tolist() as number[]).some((v) => v === 0));
  d.eval();
  assert.equal(d.call(x), x);
});

for (const [i, c] of cases.clip.entries()) {
  test(`nn.utils ${c.kind} #${i} ${c.grads?.[0]?.dtype ?? ''} max_norm=${c.max_norm ?? ''} norm_type=${String(c.norm_type ?? '')}`, () => {
    if (c.kind === 'to_vector') {
      assertTensorClose(nn.utils.parametersToVector((c.params as EncodedTensor[]).map((t) => decodeTensor(t))), c.vector as EncodedTensor);
      return;
    }
    if (c.kind === 'empty') {
      assertTensorClose(nn.utils.clipGradNorm_([torch.zeros(2, { requiresGrad: true })], 1), c.total as EncodedTensor);
      return;
    }
    const grads = (c.grads as EncodedTensor[]).map((g) => decodeTensor(g));
    const params = grads.map((g) => torch.zeros(g.shape, { dtype: g.dtype, requiresGrad: true }));
    params.forEach((p, j) => (p.grad = grads[j].clone()));
    if (c.kind === 'value') {
      nn.utils.clipGradValue_(params, c.clip_value as number);
    } else if (c.kind === 'nonfinite') {
      throwsMessageText(() => nn.utils.clipGradNorm_(params, c.max_norm as number, { errorIfNonfinite: true }), c.error as string);
      return;
    } else {
      params.push(torch.zeros(2, { dtype: grads[0].dtype, requiresGrad: true }));
      const total = nn.utils.clipGradNorm_(params, c.max_norm as number, decodeValue(c.norm_type) as number);
      assertTensorClose(total, c.total as EncodedTensor);
    }
    (c.clipped as EncodedTensor[]).forEach((g, j) => assertTensorClose(params[j].grad as Tensor, g));
  });
}

function throwsMessageText(fn: () => unknown, message: string): void {
  assert.throws(fn, (e: unknown) => e instanceof Error && e.message === message);
}

test('vectorToParameters writes slices of a vector back into the parameters', () => {
  const m = new nn.Linear(2, 2);
  const vec = torch.arange(6, { dtype: torch.float32 });
  nn.utils.vectorToParameters(vec, m.parameters());
  assert.deepEqual(m.weight.tolist(), [[0, 1], [2, 3]]);
  assert.deepEqual(m.bias?.tolist(), [4, 5]);
});
