// View ops, split/chunk/unbind and copies against PyTorch: every case of test/golden/view.json
// (tools/golden/gen_shape.py): values, dtype, shape, grad_fn, gradients, second derivatives and
// error messages through the op harness, then each output's strides, storage offset and sharing of
// storage and version counter with the input. Each key does what the generator's call of that key does.
import * as torch from 'tstorch';
import type { Tensor } from 'tstorch';
import { runOpFixture, type OpCall } from './harness.js';
import { checkLayouts, withLayout, type LayoutExtra } from './layouts.js';

interface Extra extends LayoutExtra {
  shape: number[];
  start?: number;
  end?: number;
  dim: number;
  dims: number[];
  sizes: number[];
  d0: number;
  d1?: number;
  d2?: number;
  src: number | number[];
  dst: number | number[];
  index: number;
  length: number;
  size: number | number[];
  step: number;
  offset?: number;
  stride: number[];
  chunks: number;
}

type Op = (x: Tensor, rest: Tensor[], e: Extra) => Tensor | Tensor[];

/** The history of `x * 1` after an in-place change of one of its views. */
const inplaceOn = (viewOf: (base: Tensor) => Tensor): Op => (x) => {
  const base = x.mul(1);
  viewOf(base).mul_(2);
  return base;
};

const OPS: Record<string, Op> = {
  view: (x, _, e) => x.view(e.shape),
  view_as: (x, [y]) => x.viewAs(y),
  reshape: (x, _, e) => x.reshape(e.shape),
  reshape_as: (x, [y]) => x.reshapeAs(y),
  flatten: (x, _, e) => x.flatten(e.start ?? 0, e.end ?? -1),
  unflatten: (x, _, e) => x.unflatten(e.dim, e.sizes),
  permute: (x, _, e) => x.permute(e.dims),
  transpose: (x, _, e) => x.transpose(e.d0, e.d1 as number),
  swapaxes: (x, _, e) => torch.swapaxes(x, e.d0, e.d1 as number),
  t: (x) => x.t(),
  mT: (x) => x.mT,
  T: (x) => x.T,
  movedim: (x, _, e) => x.movedim(e.src, e.dst),
  expand: (x, _, e) => x.expand(e.sizes),
  expand_as: (x, [y]) => x.expandAs(y),
  broadcast_to: (x, _, e) => torch.broadcastTo(x, e.shape),
  squeeze_all: (x) => x.squeeze(),
  squeeze: (x, _, e) => x.squeeze(e.dim),
  squeeze_dims: (x, _, e) => x.squeeze(e.dims),
  unsqueeze: (x, _, e) => x.unsqueeze(e.dim),
  select: (x, _, e) => x.select(e.dim, e.index),
  narrow: (x, _, e) => x.narrow(e.dim, e.start as number, e.length),
  unfold: (x, _, e) => x.unfold(e.dim, e.size as number, e.step),
  diagonal: (x, _, e) => x.diagonal(e.offset ?? 0, e.d1 ?? 0, e.d2 ?? 1),
  as_strided: (x, _, e) => x.asStrided(e.size as number[], e.stride, e.offset),
  contiguous: (x) => x.contiguous(),
  clone: (x) => x.clone(),
  double: (x) => x.double(),
  float: (x) => x.float(),
  long: (x) => x.long(),
  split: (x, _, e) => x.split(e.size, e.dim ?? 0),
  torch_split: (x, _, e) => torch.split(x, e.size, e.dim ?? 0),
  chunk: (x, _, e) => x.chunk(e.chunks, e.dim ?? 0),
  unbind: (x, _, e) => x.unbind(e.dim ?? 0),
  inplace_split: inplaceOn((b) => b.split(2)[0]),
  inplace_chunk: inplaceOn((b) => b.chunk(2)[1]),
  inplace_unbind: inplaceOn((b) => b.unbind()[0]),
  inplace_select: inplaceOn((b) => b.select(0, 1)),
  inplace_view_of_split: inplaceOn((b) => b.split(2)[0].select(0, 0)),
  inplace_transpose: inplaceOn((b) => b.t()),
};

const CALLS: Record<string, OpCall> = Object.fromEntries(Object.entries(OPS).map(([k, op]) => [k, withLayout(op)]));

runOpFixture('view', CALLS);
checkLayouts('view', CALLS);
