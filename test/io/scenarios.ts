// Files tstorch writes, shared by tools/golden/gen_io.py (which runs this module with node, writes the
// files to the folder given as argument and checks each with PyTorch) and test/io/written.test.ts (which
// checks that tstorch still writes exactly the bytes PyTorch verified). expected_objects() in the
// generator builds the same objects in PyTorch.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as torch from 'tstorch';
import type { Tensor } from 'tstorch';
import { Net as BlitzNet } from '../../examples/lib/net.js';

const { nn } = torch;


export const GOLDEN_IO = new URL('../../../test/golden/io/', import.meta.url);

export function goldenBytes(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(name, GOLDEN_IO)));
}

/** The blitz CNN for 28x28 inputs (the generator's BlitzNet) is the training example's network. */
export { BlitzNet };

function float32(values: number[]): Tensor {
  return torch.tensor(values, { dtype: torch.float32 });
}

function dictViews(): Uint8Array {
  const a = torch.arange(6, { dtype: torch.float32 }).reshape(2, 3);
  return torch.io.saveBytes({ a, row: a.select(0, 1), col: a.select(1, 1), b: torch.tensor([1n, 2n]) });
}

function allDtypes(): Uint8Array {
  return torch.io.saveBytes({
    bool: torch.tensor([true, false]),
    uint8: torch.tensor([0, 255], { dtype: torch.uint8 }),
    int8: torch.tensor([-128, 127], { dtype: torch.int8 }),
    int16: torch.tensor([-32768, 32767], { dtype: torch.int16 }),
    int32: torch.tensor([-(2 ** 31), 2 ** 31 - 1], { dtype: torch.int32 }),
    int64: torch.tensor([-(2n ** 63n), 2n ** 63n - 1n]),
    float32: float32([0.1, -Infinity, NaN]),
    float64: torch.tensor([0.1, 1e-310], { dtype: torch.float64 }),
    scalar: torch.tensor(3n),
    empty: torch.zeros(2, 0),
  });
}

function nested(): Uint8Array {
  const shared = float32([1, 2]);
  return torch.io.saveBytes({
    list: [shared, 1, -2, 2.5, 'text', null, true],
    tuple: Object.freeze([shared, 3, Object.freeze([4, Object.freeze([5])]), 6]),
    dict: { x: { y: torch.tensor([[1, 2]], { dtype: torch.int32 }) }, empty: [] },
    od: new Map<string, unknown>([['b', 1], ['a', float32([0.5])]]),
    big: 2n ** 62n,
    huge: -(2n ** 100n),
    int_keys: new Map<number, unknown>([[0, 'zero'], [7, shared]]),
    text: 'héllo ✓',
    dtype: torch.float64,
  });
}

function parameters(): Uint8Array {
  return torch.io.saveBytes({ w: new nn.Parameter(float32([1, 2]).reshape(1, 2)), frozen: new nn.Parameter(float32([3]), false) });
}

/** PyTorch's CNN state_dict, loaded into tstorch's BlitzNet and saved from it. */
function cnnResave(): Uint8Array {
  const net = new BlitzNet();
  net.loadStateDict(torch.io.loadBytes<Map<string, Tensor>>(goldenBytes('cnn.pt')));
  return torch.io.saveBytes(net.stateDict());
}

/** PyTorch's optimizer state dicts, loaded into tstorch's optimizers and saved from them. */
function optimizerResave(): Uint8Array {
  type Case = { params: Tensor[]; state: torch.io.PickleValue };
  const saved = torch.io.loadBytes<Record<'sgd' | 'adam', Case>>(goldenBytes('optimizer.pt'));
  const out: Record<string, torch.io.PickleValue> = {};
  for (const name of ['sgd', 'adam'] as const) {
    const params = saved[name].params.map((p) => new nn.Parameter(p.clone()));
    const opt = name === 'sgd' ? new torch.optim.SGD(params, { lr: 1 }) : new torch.optim.Adam(params, { lr: 1 });
    opt.loadStateDict(torch.io.optimizerStateDictFromPyTorch(saved[name].state));
    out[name] = torch.io.optimizerStateDictToPyTorch(opt.stateDict());
  }
  return torch.io.saveBytes(out);
}

function mlpSafetensors(): Uint8Array {
  const sd = torch.io.loadBytes<Map<string, Tensor>>(goldenBytes('mlp.pt'));
  return torch.io.saveBytes(sd, { format: 'safetensors', metadata: { format: 'pt' } });
}

function halfSafetensors(): Uint8Array {
  const src = float32([0.1, -2.5e-5, 65519, 70000, 1e-8, 3.0e38, -0, Infinity, NaN]);
  return torch.io.saveSafetensors(
    { f16: src, bf16: src, f32: src, f16_from_f64: src.double() },
    { metadata: { note: 'converted by tstorch' }, dtype: { f16: 'F16', bf16: 'BF16', f16_from_f64: 'F16' } },
  );
}

/** Every file, by name (the extension says the format). */
export function writtenFiles(): Map<string, Uint8Array> {
  return new Map([
    ['dict_views.pt', dictViews()],
    ['all_dtypes.pt', allDtypes()],
    ['nested.pt', nested()],
    ['parameters.pt', parameters()],
    ['cnn_resave.pt', cnnResave()],
    ['optimizer_resave.pt', optimizerResave()],
    ['mlp.safetensors', mlpSafetensors()],
    ['half.safetensors', halfSafetensors()],
  ]);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const folder = process.argv[2];
  if (folder === undefined) throw new Error('usage: node scenarios.js <output folder>');
  for (const [name, bytes] of writtenFiles()) writeFileSync(join(folder, name), bytes);
}
