// Joining and shape ops against PyTorch: every case of test/golden/shape.json (tools/golden/gen_shape.py):
// cat/stack/hstack/vstack/dstack, gather/scatter/scatter_add, index_select/index_add/index_copy/
// index_fill, masked_fill/masked_select/masked_scatter, take/put, nonzero, flip, roll, repeat/tile,
// tril/triu and pad: values, dtype, shape, grad_fn, gradients, second derivatives and error messages.
import * as torch from 'tstorch';
import type { Tensor } from 'tstorch';
import { pad, type PadMode } from '../../src/ops/shape.js';
import { runOpFixture, type OpCall } from './harness.js';
import { withLayout, type LayoutExtra } from './layouts.js';

interface Extra extends LayoutExtra {
  dim: number;
  dims: number[];
  value: number | boolean;
  reduce: number;
  alpha?: number;
  accumulate?: number;
  shifts: number | number[];
  repeats: number[];
  diagonal?: number;
  pad: number[];
  mode?: number;
}

type Op = (x: Tensor, rest: Tensor[], e: Extra) => Tensor | Tensor[];

const REDUCE = ['add', 'multiply', 'max'] as const;
const PAD_MODES: PadMode[] = ['constant', 'reflect', 'replicate'];

const OPS: Record<string, Op> = {
  cat: (x, rest, e) => torch.cat([x, ...rest], e.dim),
  stack: (x, rest, e) => torch.stack([x, ...rest], e.dim),
  hstack: (x, rest) => torch.hstack([x, ...rest]),
  vstack: (x, rest) => torch.vstack([x, ...rest]),
  dstack: (x, rest) => torch.dstack([x, ...rest]),
  gather: (x, [idx], e) => x.gather(e.dim, idx),
  scatter: (x, [idx, src], e) => x.scatter(e.dim, idx, src),
  scatter_value: (x, [idx], e) => x.scatter(e.dim, idx, e.value as number),
  scatter_reduce: (x, [idx, src], e) => x.scatter(e.dim, idx, src, { reduce: REDUCE[e.reduce] as 'add' }),
  scatter_reduce_backward: (x, [idx, src], e) =>
    torch.autograd.grad([x.scatter(e.dim, idx, src, { reduce: REDUCE[e.reduce] as 'add' }).sum()], [x]) as Tensor[],
  scatter_: (x, [idx, src], e) => x.clone().scatter_(e.dim, idx, src),
  scatter_add: (x, [idx, src], e) => x.scatterAdd(e.dim, idx, src),
  scatter_add_: (x, [idx, src], e) => x.clone().scatterAdd_(e.dim, idx, src),
  index_select: (x, [idx], e) => x.indexSelect(e.dim, idx),
  index_add: (x, [idx, src], e) => x.indexAdd(e.dim, idx, src, { alpha: e.alpha ?? 1 }),
  index_add_: (x, [idx, src], e) => x.clone().indexAdd_(e.dim, idx, src),
  index_copy: (x, [idx, src], e) => x.indexCopy(e.dim, idx, src),
  index_copy_: (x, [idx, src], e) => x.clone().indexCopy_(e.dim, idx, src),
  index_fill: (x, [idx], e) => x.indexFill(e.dim, idx, e.value),
  index_fill_tensor: (x, [idx, v], e) => x.indexFill(e.dim, idx, v),
  index_fill_: (x, [idx], e) => x.clone().indexFill_(e.dim, idx, e.value),
  masked_fill: (x, [mask], e) => x.maskedFill(mask, e.value),
  masked_fill_tensor: (x, [mask, v]) => x.maskedFill(mask, v),
  masked_fill_: (x, [mask], e) => x.clone().maskedFill_(mask, e.value),
  masked_select: (x, [mask]) => x.maskedSelect(mask),
  masked_scatter: (x, [mask, src]) => x.maskedScatter(mask, src),
  masked_scatter_: (x, [mask, src]) => x.clone().maskedScatter_(mask, src),
  take: (x, [idx]) => x.take(idx),
  put: (x, [idx, src], e) => x.put(idx, src, { accumulate: e.accumulate === 1 }),
  put_: (x, [idx, src], e) => x.clone().put_(idx, src, { accumulate: e.accumulate === 1 }),
  nonzero: (x) => x.nonzero(),
  nonzero_tuple: (x) => x.nonzero({ asTuple: true }),
  argwhere: (x) => torch.argwhere(x),
  flip: (x, _, e) => x.flip(e.dims),
  fliplr: (x) => torch.fliplr(x),
  flipud: (x) => torch.flipud(x),
  roll: (x, _, e) => x.roll(e.shifts, e.dims),
  repeat: (x, _, e) => x.repeat(e.repeats),
  tile: (x, _, e) => x.tile(e.dims),
  tril: (x, _, e) => x.tril(e.diagonal ?? 0),
  triu: (x, _, e) => x.triu(e.diagonal ?? 0),
  tril_: (x, _, e) => x.clone().tril_(e.diagonal ?? 0),
  triu_: (x, _, e) => x.clone().triu_(e.diagonal ?? 0),
  pad: (x, _, e) => pad(x, e.pad, PAD_MODES[e.mode ?? 0], e.value as number | undefined),
};

const CALLS: Record<string, OpCall> = Object.fromEntries(Object.entries(OPS).map(([k, op]) => [k, withLayout(op)]));

runOpFixture('shape', CALLS);
