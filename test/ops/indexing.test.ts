// Indexing against PyTorch: every case of test/golden/indexing.json (tools/golden/gen_indexing.py):
// t.index(...) (views for basic items, IndexBackward0 copies for advanced ones), t.setIndex(items, v)
// (CopySlices through views, IndexPutBackward0), indexPut/indexPut_, with values, grad_fn, gradients,
// second derivatives and error messages through the op harness, and the layouts of the results.
import * as torch from 'tstorch';
import type { IndexItem, Tensor } from 'tstorch';
import { runOpFixture, type OpCall } from './harness.js';
import { checkLayouts, withLayout, type LayoutExtra } from './layouts.js';

interface EncodedSlice {
  slice: (number | null)[];
  /** 1: pass a torch.slice object; 0: a Python-syntax string. */
  obj: number;
}

/** An index item as the generator encodes it (slices and ellipses as objects, since strings are not allowed). */
type EncodedItem = IndexItem | { ellipsis: number } | EncodedSlice;

const isEncodedSlice = (it: EncodedItem): it is EncodedSlice => typeof it === 'object' && it !== null && 'obj' in it;
const isEllipsis = (it: EncodedItem): it is { ellipsis: number } => typeof it === 'object' && it !== null && 'ellipsis' in it;

interface Extra extends LayoutExtra {
  items: EncodedItem[];
  value: number;
  indices: (Tensor | null)[];
  accumulate?: number;
}

/** Slices become Python-syntax strings ('1:3', '::2') or torch.slice objects, as the case says. */
function item(it: EncodedItem): IndexItem {
  if (isEllipsis(it)) return '...';
  if (!isEncodedSlice(it)) return it;
  const [start, stop, step] = it.slice;
  if (it.obj === 1) return torch.slice(start, stop, step);
  const part = (v: number | null): string => (v === null ? '' : String(v));
  return `${part(start)}:${part(stop)}${step === null ? '' : `:${step}`}`;
}

const items = (e: Extra): IndexItem[] => e.items.map(item);

type Op = (x: Tensor, rest: Tensor[], e: Extra) => Tensor;

const OPS: Record<string, Op> = {
  index: (x, _, e) => x.index(...items(e)),
  setitem: (x, [v], e) => x.mul(1).setIndex(items(e), v),
  setitem_scalar: (x, _, e) => x.mul(1).setIndex(items(e), e.value),
  setitem_clone: (x, [v], e) => x.detach().clone().setIndex(items(e), v),
  setitem_leaf: (x, _, e) => x.setIndex(items(e), e.value),
  view_after_setitem: (x, _, e) => {
    const base = x.mul(1);
    const view = base.index('1:');
    base.setIndex(items(e), e.value);
    return view;
  },
  index_put: (x, [v], e) => x.indexPut(e.indices, v, { accumulate: e.accumulate === 1 }),
  index_put_: (x, [v], e) => x.mul(1).indexPut_(e.indices, v, { accumulate: e.accumulate === 1 }),
  torch_index_put: (x, [v], e) => torch.indexPut(x, e.indices, v, { accumulate: e.accumulate === 1 }),
};

const CALLS: Record<string, OpCall> = Object.fromEntries(Object.entries(OPS).map(([k, op]) => [k, withLayout(op)]));

runOpFixture('indexing', CALLS);
checkLayouts('indexing', CALLS);
